"""Tilsyn (issue 23): the kvalitetsmodel as data, visits scored against it, the spindelvæv."""
