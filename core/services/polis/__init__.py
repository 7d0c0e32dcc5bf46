"""Pol.is export folders: read and write them (:mod:`.files`, :mod:`.writing`), and import them
into our storage or export a statements round as one (:mod:`.transfer`)."""
