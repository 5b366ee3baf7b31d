"""Tests of the benchmarks' own logic (scenario loader, grader, runner): fast, no real stack."""
