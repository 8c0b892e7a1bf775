"""hotline — a Git-based records system for the 泽州县12345政务服务热线.

Flow, in one direction: ``loader`` (records on disk → models and findings) → ``checks``/``lifecycle``
(deadlines, status, rule findings) → ``scoring`` (the assessment) → ``site`` and documents (render).
"""

__version__ = "0.1.0"
