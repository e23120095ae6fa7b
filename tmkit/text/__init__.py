"""Arabic and English text rules: scripts, normalization, numbers, segmentation, alignment, placeholders, counts."""
