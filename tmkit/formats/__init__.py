"""File formats tmkit reads and writes: TMX, tabular text (TSV/CSV) and line-aligned text."""
