"""Display pieces shared by pages: they take models and draw them, nothing else."""
