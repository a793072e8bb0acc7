#!/usr/bin/env bash
# Every `chi report` view (csv and json, filters, zones, grains, splits) on DATA into
# OUT/, one file per call with its exit code; diff two OUT folders to check that a
# change keeps the reports byte-identical (issue 12 did: see its closing note).
# usage: scripts/report_snapshot.sh REPO DATA OUT
set -u
repo=$1; data=$2; out=$3
mkdir -p "$out"
cd "$repo"
run() { name=$1; shift; uv run --quiet chi report "$@" --data "$data" >"$out/$name.out" 2>"$out/$name.err"; echo "rc=$?" >>"$out/$name.out"; }
for fmt in csv json; do
  run overview.$fmt overview --format $fmt
  run overview_sky.$fmt overview --format $fmt --brand "Skyline Air" --from 2025-03-01 --to 2025-05-31
  run overview_paris.$fmt overview --format $fmt --tz Europe/Paris --channel twitter
  for g in day week month all; do
    for by in brand channel brand,channel; do
      run happiness_${g}_${by}.$fmt happiness --format $fmt --grain $g --by $by
    done
  done
  run happiness_filtered.$fmt happiness --format $fmt --brand "Voltline Energy" --from 2025-06-10 --to 2025-06-24 --grain day
  run happiness_ny.$fmt happiness --format $fmt --tz America/New_York --grain week
  run engagement.$fmt engagement --format $fmt
  run engagement_f.$fmt engagement --format $fmt --from 2025-04-01 --to 2025-06-30 --channel instagram
  run fairness.$fmt fairness --format $fmt
  run fairness_prem.$fmt fairness --format $fmt --premiums
  run fairness_bych.$fmt fairness --format $fmt --by-channel
  run fairness_prem_bych.$fmt fairness --format $fmt --premiums --by-channel --from 2025-10-01
  run consistency.$fmt consistency --format $fmt
  run consistency_bych.$fmt consistency --format $fmt --by-channel
  run consistency_f.$fmt consistency --format $fmt --by-channel --brand "Northwind Telecom" --tz Asia/Tokyo
  run public.$fmt public --format $fmt
done
run err_brand overview --brand Nope
run err_dates overview --from 2025-05-01 --to 2025-04-01
