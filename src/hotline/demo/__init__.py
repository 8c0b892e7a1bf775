"""The demonstration county (演示县): its units and staff (``county``) and a simulated year of work orders
(``simulate``), written as a real Git repository, one commit per recorded event (``repo``). Reads only ``records`` and ``git``; only ``cli`` uses it.
"""
