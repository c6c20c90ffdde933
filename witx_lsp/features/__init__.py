"""Editor and CLI features: pure functions of an analysis and parameters."""
