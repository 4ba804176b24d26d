"""The reconciler: desired state (git) vs actual state (marketplace), a plan, and its apply."""
