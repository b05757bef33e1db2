"""The admin's report as a person reads it: a table for a terminal, CSV, JSON (render.py), and a self-contained
HTML page with charts (html.py, with the optional extra careerplan[report]). Counts only, as bot.career.report
built them: the renderers print what a Report holds and nothing else."""
