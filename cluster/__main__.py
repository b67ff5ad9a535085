"""`python -m cluster`: the local cluster in the foreground (make cluster)."""

from cluster import main

main()
