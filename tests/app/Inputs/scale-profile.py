"""scale-profile.py N PROFILE: PROFILE (faas-run --profile's JSON) with
every count times N, written as faas-run writes it."""
import json
import sys

n = int(sys.argv[1])
with open(sys.argv[2]) as fp:
    p = json.load(fp)
p["requests"] *= n
for e in p["edges"]:
    for k in ("calls", "failed", "input_bytes", "output_bytes"):
        e[k] *= n
print(json.dumps(p, indent=2))
