"""What is published (统计与报表): monthly figures (``monthly``), the registers (``register``), the monthly report
(``monthly_report``), hot topics (``hot_topics``), analysis (``analysis``), links to the host's forms
(``form_links``), the documents as files (``documents``), the month-end and archive (``month_end``, ``archive``),
and the one computation of everything the site shows (``publication.compute`` → ``Publication``, from the
records and the history read by ``sources``). Pure computation apart from ``sources``, ``archive`` and
``month_end``, which read and write the records' Git.
"""
