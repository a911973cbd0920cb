"""Remember: bridges, which copy came from which original (the message map), combined posts' lines."""
