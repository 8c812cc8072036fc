"""Target packages for investigators: one cluster, traceable to its sources, handling respected.

:func:`ocgmap.export.package.assemble` builds the package (and applies handling codes);
one module per format renders it; :func:`ocgmap.export.run.export` writes them all with a
manifest.
"""
