"""The translation memory: its data model, dates and language tags, merging, export for CAT tools and statistics."""
