"""Translation quality: sacrebleu scores, CI gates, QA checks, test sets and the reports CI systems read."""
