"""GENEREL model: a text tower and a SNP tower embedding into one space (torch)."""

from pygenerel.model.config import ModelConfig
from pygenerel.model.generel import GenerelModel
from pygenerel.model.snp_tower import LocusEncoder, SnpTower
from pygenerel.model.snp_vocab import SnpVocab
from pygenerel.model.text_tower import TextTower

__all__ = ["GenerelModel", "LocusEncoder", "ModelConfig", "SnpTower", "SnpVocab", "TextTower"]
