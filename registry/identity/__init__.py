"""Stage 2, resolve: name matching, the judgement graph, clusters and stable registry IDs."""
