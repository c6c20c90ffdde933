"""The workspace layer: the state of an editor session (which files exist, the editor's
unsaved text, who includes whom, cached parses, validator checkpoints, analyses and
their diagnostics) and the snapshots built from it. Features below it are pure
functions of a snapshot; the server above it only translates the protocol."""
