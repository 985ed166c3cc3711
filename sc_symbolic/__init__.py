"""sc_symbolic: exact proof checker for success conditioning (public API re-exports)."""
