"""Translation jobs, UI-free: a source text read and segmented, pre-translated, and the working file being edited."""
