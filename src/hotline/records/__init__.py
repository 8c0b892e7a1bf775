"""The records and their formats (记录格式与读取): models and rules (``models``, ``rules``), YAML read with lines
(``yaml_reader``, ``yaml_items``), validation, citizens' identity (``privacy``, ``numerals``, ``hidden``), where
each record lives (``paths``: the one place that knows ``orders/YYYY/MM/<id>.yaml``), units and accounts,
the small files every computation needs (``context``), the cached form of an order (``order_data``), the
writer that appends events, the knowledge base, JSON Schemas and CODEOWNERS. Below everything but the base.
"""
