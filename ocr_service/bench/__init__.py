"""Accuracy and speed benchmark on generated forms (GitHub issue 4).

    generate (ocr_service.synth) -> read with the pipeline -> read with a naive baseline
        -> compare with the truth -> metrics -> report.md, report.json, charts

Modules: :mod:`metrics` (pure arithmetic: CER, silent errors, flag precision,
reliability bins), :mod:`compare` (truth vs. reading, the contract's normalization),
:mod:`baseline` (the tutorial approach, isolated from the pipeline), :mod:`runner`
(the loop over pages), :mod:`report` and :mod:`charts` (the outputs),
:mod:`calibrate` (per-type review thresholds fitted on a separate generated set);
:mod:`seeds` (the development / held-out split, ``docs/bench/seeds.md``), :mod:`templates`
(several template folders, each template ours or not designed), :mod:`sets` (the report's
row groups and the extra-set interface), :mod:`loto` (leave-one-template-out), :mod:`rows`
and :mod:`combine` (the set tables, for one run or runs side by side).
"""
