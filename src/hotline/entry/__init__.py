"""Staff entry (工作人员录入): a new order file or one event appended, checked before anything is written
(``order_edit``), imports of the city platform's export (``city_import``) and of the State Council's holiday
notice (``holidays``). Writes through ``records``; knows nothing of the Git host, the site or the office's work.
"""
