#' A Manhattan plot coloured by relatedness to a trait
#'
#' Draws -log10(P) along the genome with base graphics, each variant coloured by the rank of its
#' similarity to `trait` (ranks show the contrast better than raw similarities, which sit in a
#' narrow band), the most related drawn last, a dashed line at `p_line`, and optionally labels.
#'
#' @param annotated A data.frame from [generel_annotate()] with a `generel_<trait>` column.
#' @param trait The trait whose similarity colours the points (as given to [generel_annotate()]).
#' @param chr,pos,p Names of the chromosome, position and P columns of `annotated`.
#' @param label Variants to label: a character vector matched against `snp`, or `NULL`.
#' @param snp Name of the column `label` is matched against.
#' @param p_line The P of the dashed line (genome-wide significance), or `NULL` for none.
#' @param main Plot title.
#' @return The plotted data (chromosome offsets applied, `x`, `rank` and `colour` added),
#'   invisibly.
#' @examples
#' if (generel_available()) {
#'   gwas <- read.delim(system.file("extdata", "example_gwas.tsv", package = "generel"))
#'   annotated <- generel_annotate(gwas, trait = "type 2 diabetes")
#'   generel_manhattan(annotated, "type 2 diabetes", pos = "BP_GRCh38")
#' }
#' @export
generel_manhattan <- function(annotated, trait, chr = "CHR", pos = "BP", p = "P", label = NULL,
                              snp = "SNP", p_line = 5e-8, main = NULL) {
  if (!is.data.frame(annotated)) {
    stop(generel_condition("`annotated` must be a data.frame from generel_annotate()",
                           call = sys.call()))
  }
  trait <- check_string(trait, "trait")
  # the column generel_annotate() named: trait lower-cased, runs of other characters as "_"
  stem <- gsub("^_+|_+$", "", gsub("[^a-z0-9]+", "_", tolower(trait)))
  score <- paste0("generel_", if (nzchar(stem)) stem else "trait")
  for (column in c(chr, pos, p, score)) {
    if (!column %in% names(annotated)) {
      stop(generel_condition(sprintf("`annotated` has no column %s", shQuote(column)),
                             call = sys.call()))
    }
  }
  d <- annotated[!is.na(annotated[[p]]) & !is.na(annotated[[pos]]), ]
  chrom <- sub("^chr", "", as.character(d[[chr]]), ignore.case = TRUE)
  order_key <- suppressWarnings(as.numeric(chrom))
  order_key[is.na(order_key)] <- match(chrom[is.na(order_key)], c("X", "Y", "MT")) + 22
  levels <- unique(chrom[order(order_key)])
  d$chrom <- factor(chrom, levels = levels)
  chrom_end <- tapply(as.numeric(d[[pos]]), d$chrom, max)
  start <- stats::setNames(c(0, cumsum(chrom_end))[seq_along(chrom_end)], names(chrom_end))
  d$x <- as.numeric(d[[pos]]) + start[as.character(d$chrom)]
  scored <- !is.na(d[[score]])
  d$rank <- NA_real_
  d$rank[scored] <- rank(d[[score]][scored]) / sum(scored)
  d <- d[order(d$rank, na.last = FALSE), ]
  palette <- grDevices::colorRampPalette(c("grey85", "gold", "darkred"))(100)
  d$colour <- ifelse(is.na(d$rank), "grey95", palette[pmax(1, ceiling(d$rank * 100))])
  op <- graphics::par(mar = c(4, 4, 2, 1))
  on.exit(graphics::par(op))
  graphics::plot(d$x, -log10(d[[p]]), pch = 19, cex = 0.6, col = d$colour, xaxt = "n",
                 xlab = "chromosome", ylab = expression(-log[10](P)),
                 main = if (is.null(main)) paste("coloured by relatedness to", trait) else main)
  graphics::axis(1, at = start + chrom_end / 2, labels = names(chrom_end), cex.axis = 0.7)
  if (!is.null(p_line)) graphics::abline(h = -log10(p_line), lty = 2, col = "grey40")
  if (!is.null(label) && snp %in% names(d)) {
    shown <- d[[snp]] %in% label
    graphics::text(d$x[shown], -log10(d[[p]][shown]), d[[snp]][shown], pos = 4, cex = 0.7)
  }
  graphics::legend("topright", legend = c("most related", "median", "least related"), pch = 19,
                   cex = 0.7, col = palette[c(100, 50, 1)], bty = "n")
  invisible(d)
}
