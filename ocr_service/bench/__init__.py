"""Accuracy and speed benchmark on generated forms (GitHub issue 4).

    generate (ocr_service.synth) -> read with the pipeline -> read with a naive baseline
        -> compare with the truth -> metrics -> report.md, report.json, charts

Modules: :mod:`metrics` (pure arithmetic: CER, silent errors, flag precision,
reliability bins), :mod:`compare` (truth vs. reading, the contract's normalization),
:mod:`baseline` (the tutorial approach, isolated from the pipeline), :mod:`runner`
(the loop over pages), :mod:`report` and :mod:`charts` (the outputs), and
:mod:`calibrate` (per-type review thresholds fitted on a separate generated set).
"""
