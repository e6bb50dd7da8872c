"""Thirty textbook SNP-trait associations, each SNP given by rsid alone, on the shipped model.

The pairs were written down before any of their scores was computed: each is a well-replicated
association (a GWAS lead SNP or a classic functional variant and its trait) against a trait with
no known link to that variant. Some of these SNPs are outside the 63,768-SNP vocabulary and are
placed by the bundle's rsid position table (how = "rsid_locus"). rs334 (HBB, sickle cell) and
rs53576 (OXTR) are in none of the raw sources, so they cannot be placed and are not among them.
"""

import numpy as np
import pytest

from pygenerel.runtime import load_model

# (rsid, associated trait, unrelated trait)
PAIRS = [
    ("rs429358", "Alzheimer's disease", "psoriasis"),  # APOE e4
    ("rs7412", "LDL cholesterol", "hair color"),  # APOE e2
    ("rs4988235", "lactose intolerance", "Parkinson's disease"),  # LCT/MCM6
    ("rs9939609", "obesity", "prostate cancer"),  # FTO
    ("rs1333049", "coronary artery disease", "psoriasis"),  # 9p21
    ("rs2066844", "Crohn's disease", "hair color"),  # NOD2 R702W
    ("rs34637584", "Parkinson's disease", "type 2 diabetes"),  # LRRK2 G2019S
    ("rs7903146", "type 2 diabetes", "asthma"),  # TCF7L2
    ("rs12913832", "eye color", "body mass index"),  # HERC2/OCA2
    ("rs2476601", "rheumatoid arthritis", "bipolar disorder"),  # PTPN22 R620W
    ("rs1801133", "homocysteine levels", "skin pigmentation"),  # MTHFR C677T
    ("rs6025", "venous thrombosis", "height"),  # F5 Leiden
    ("rs1800562", "hemochromatosis", "schizophrenia"),  # HFE C282Y
    ("rs10757278", "myocardial infarction", "eye color"),  # 9p21
    ("rs11209026", "inflammatory bowel disease", "Alzheimer's disease"),  # IL23R R381Q
    ("rs3135388", "multiple sclerosis", "lactose intolerance"),  # HLA-DRB1*15:01
    ("rs17822931", "earwax type", "coronary artery disease"),  # ABCC11
    ("rs1426654", "skin pigmentation", "type 2 diabetes"),  # SLC24A5
    ("rs671", "alcohol flushing", "multiple sclerosis"),  # ALDH2
    ("rs762551", "caffeine metabolism", "rheumatoid arthritis"),  # CYP1A2
    ("rs1815739", "athletic performance", "Crohn's disease"),  # ACTN3 R577X
    ("rs1061170", "age-related macular degeneration", "type 2 diabetes"),  # CFH Y402H
    ("rs2187668", "celiac disease", "eye color"),  # HLA-DQ2.5
    ("rs9923231", "warfarin dose", "asthma"),  # VKORC1
    ("rs12979860", "hepatitis C", "height"),  # IFNL3 (IL28B)
    ("rs738409", "non-alcoholic fatty liver disease", "bipolar disorder"),  # PNPLA3 I148M
    ("rs2231142", "gout", "schizophrenia"),  # ABCG2 Q141K
    ("rs1805007", "red hair color", "coronary artery disease"),  # MC1R R151C
    ("rs16969968", "nicotine dependence", "eye color"),  # CHRNA5
    ("rs2981582", "breast cancer", "Crohn's disease"),  # FGFR2
]
TARGET = 27  # the target: at least 27 of 30 closer to their trait than to the other one


@pytest.fixture(scope="module")
def scores(default_bundle_dir):
    """(related, unrelated) cosine per pair, and how each rsid was placed."""
    model = load_model(default_bundle_dir)
    rsids = [rsid for rsid, _, _ in PAIRS]
    related = model.similarity(rsids, [p[1] for p in PAIRS], pairwise=True)
    unrelated = model.similarity(rsids, [p[2] for p in PAIRS], pairwise=True)
    how = model.match(rsids)["how"].tolist()
    for (rsid, trait, other), r, u, h in zip(PAIRS, related, unrelated, how):
        print(f"{rsid:<11} {h:<10} {r:6.3f} {trait!r} vs {u:6.3f} {other!r}")
    return related, unrelated, how


def test_the_list_is_thirty_distinct_snps():
    assert len(PAIRS) == 30 and len({p[0] for p in PAIRS}) == 30


def test_every_snp_is_placed_by_rsid_alone(scores):
    related, unrelated, how = scores
    assert not np.isnan(related).any() and not np.isnan(unrelated).any()
    assert set(how) <= {"rsid", "rsid_locus"}


def test_most_snps_are_closer_to_their_trait(scores):
    related, unrelated, _ = scores
    wins = int((related > unrelated).sum())
    print(f"{wins} of {len(PAIRS)} closer to their trait")
    assert wins >= TARGET
