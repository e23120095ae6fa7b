"""The translator's editor (Textual): the only part of tmkit that imports a UI toolkit."""
