"""ocgmap: map the organised crime groups behind organised immigration crime."""

__version__ = "0.1.0"

__all__ = ["__version__"]
