"""The conformance suite: checks any Backend or defn compiler against the spec.
Not built yet."""
