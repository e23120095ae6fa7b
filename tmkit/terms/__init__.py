"""Termbases: concepts with their terms per language, TBX/OmegaT/CSV files, Arabic-aware recognition, extraction."""
