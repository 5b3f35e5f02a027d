#!/usr/bin/env python3
"""Runs a block fixture (../shared/FIXTURES.md format) through the Python
execution specification's t8n tool and prints per-transaction receipts
(index, hash, status, gas used, cumulative gas), for comparison with
`pevm replay --receipts`, then t8n's gasUsed, receiptsRoot, logsBloom and
(meaningful when the fixture's pre-state is complete) stateRoot.

usage: spec-t8n.py FIXTURE.json [--check] [--quiet] [--trace --keep DIR]

--check   compare t8n's results with the fixture's `expect` (every field it
          has) and exit 1 on a mismatch.
--quiet   do not print the per-transaction receipts.

Block rewards: a fixture with `expect.stateRoot` (a complete pre-state, as
`pevm generate` writes) gets the fork's block reward, as the project's
executor pays it; the others (partial mainnet states) run without one.
Transactions without a signature but with a `secretKey` field are signed
by t8n (`pevm generate` writes signed transactions, so it needs none).
Needs `pip install ethereum-execution==2.20.0`.
"""
import json, os, subprocess, sys, tempfile

FORKS = {"Frontier": "Frontier", "Homestead": "Homestead", "DAOFork": "DAOFork",
         "EIP150": "EIP150", "EIP158": "EIP158", "Byzantium": "Byzantium",
         "Constantinople": "Constantinople", "ConstantinopleFix": "ConstantinopleFix",
         "Istanbul": "Istanbul", "Berlin": "Berlin", "London": "London", "Paris": "Merge",
         "Shanghai": "Shanghai", "Cancun": "Cancun", "Prague": "Prague", "Osaka": "Osaka"}

def mainnet_fork(number, timestamp):
    if number >= 15537394:
        for start, fork in [(1764798551, "Osaka"), (1746612311, "Prague"), (1710338135, "Cancun"), (1681338455, "Shanghai")]:
            if timestamp >= start: return fork
        return "Merge"
    for start, fork in [(12965000, "London"), (12244000, "Berlin"), (9069000, "Istanbul"), (7280000, "ConstantinopleFix"),
                        (4370000, "Byzantium"), (2675000, "EIP158"), (2463000, "EIP150"), (1920000, "DAOFork"), (1150000, "Homestead")]:
        if number >= start: return fork
    return "Frontier"

def main():
    path = sys.argv[1]
    trace = "--trace" in sys.argv
    fx = json.load(open(path))
    b = fx["block"]
    number, timestamp = int(b["number"], 16), int(b["timestamp"], 16)
    fork = FORKS.get(fx.get("fork") or "", None) or mainnet_fork(number, timestamp)
    env = {"currentCoinbase": b["miner"], "currentGasLimit": b["gasLimit"], "currentNumber": b["number"],
           "currentTimestamp": b["timestamp"], "currentDifficulty": b.get("difficulty", "0x0"),
           "parentHash": b.get("parentHash"),
           "blockHashes": {hex(int(k)): v for k, v in fx.get("blockHashes", {}).items()}, "ommers": [], "withdrawals": []}
    if "baseFeePerGas" in b: env["currentBaseFee"] = b["baseFeePerGas"]
    if int(b.get("difficulty", "0x0"), 16) == 0 or number >= 15537394: env["currentRandom"] = b["mixHash"]
    if "excessBlobGas" in b: env["currentExcessBlobGas"] = b["excessBlobGas"]
    if "parentBeaconBlockRoot" in b: env["parentBeaconBlockRoot"] = b["parentBeaconBlockRoot"]
    if "withdrawals" in b: env["withdrawals"] = b["withdrawals"]
    txs = []
    for t in b["transactions"]:
        t = dict(t)
        t["gas"] = t.get("gas"); t["data"] = t.get("input", "0x")
        if t.get("to") is None: t.pop("to", None)
        txs.append(t)
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    if keep: os.makedirs(keep, exist_ok=True)
    with (tempfile.TemporaryDirectory() if not keep else open(os.devnull)) as d:
        d = keep or d
        for name, obj in [("alloc.json", fx["pre"]), ("env.json", env), ("txs.json", txs)]:
            json.dump(obj, open(os.path.join(d, name), "w"))
        cmd = ["ethereum-spec-evm", "t8n", "--input.alloc", "alloc.json", "--input.env", "env.json",
               "--input.txs", "txs.json", "--output.basedir", d, "--output.result", "result.json",
               "--output.alloc", "out-alloc.json", "--state.fork", fork,
               "--state.chainid", str(int(str(fx.get("chainId", 1)), 0))]
        if "stateRoot" not in fx.get("expect", {}): cmd += ["--state.reward", "-1"]
        if trace: cmd.append("--trace")
        p = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
        if p.returncode != 0:
            print(p.stderr[-3000:], file=sys.stderr); sys.exit(1)
        result = json.load(open(os.path.join(d, "result.json")))
        prev = 0
        for i, r in enumerate(result.get("receipts", [])):
            cum = int(r["cumulativeGasUsed"], 16)
            if "--quiet" not in sys.argv:
                status = int(r["succeeded"]) if "succeeded" in r else r.get("status", r.get("root"))
                print(f"{i} {r['transactionHash']} status={status} gas={cum-prev} cumulative={cum}")
            prev = cum
        rejected = result.get("rejected", [])
        for rej in rejected: print("rejected", rej)
        print("gasUsed", int(result["gasUsed"], 16), "receiptsRoot", result.get("receiptsRoot"))
        print("stateRoot", result.get("stateRoot"), "transactions", len(result.get("receipts", [])))
        if "--check" in sys.argv:
            expect = fx.get("expect", {})
            got = {"gasUsed": int(result["gasUsed"], 16), "receiptsRoot": result.get("receiptsRoot"),
                   "logsBloom": result.get("logsBloom"), "stateRoot": result.get("stateRoot")}
            failures = [] if not rejected else [f"{len(rejected)} transactions rejected"]
            for field, value in got.items():
                if field not in expect: continue
                want = int(expect[field], 16) if field == "gasUsed" else expect[field].lower()
                have = value if field == "gasUsed" else (value or "").lower()
                status = "agrees" if want == have else "MISMATCH"
                if want != have: failures.append(field)
                print(f"{field}: {status} (fixture {expect[field] if field != 'logsBloom' else want[:18] + '…'}, "
                      f"t8n {value if field != 'logsBloom' else (value or '')[:18] + '…'})")
            print(f"{fx.get('name', path)}: " + ("reference agrees" if not failures else "MISMATCH: " + ", ".join(failures)))
            if failures: sys.exit(1)
        if trace and keep:
            for f in sorted(os.listdir(d)):
                if f.startswith("trace"): print("trace:", os.path.join(d, f))

main()
