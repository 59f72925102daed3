#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzz the knat generic netlink family from its own policies.

  nlfuzz.py FUZZ-NETNS MODEL-NETNS COUNT [SEED]
  nlfuzz.py refused


Reads the family's policies from the kernel (CTRL_CMD_GETPOLICY: each
command's attributes, their types and ranges; its be32 addresses, which
Linux 6.1 leaves out of that dump, by asking each command whether it
takes them) and sends COUNT requests
built from them to knat in FUZZ-NETNS: mostly well-formed, with values at
and beyond each range's ends, then mutated one way in four (an attribute
the command does not take, a wrong length, a truncated or bit-flipped
message, a nesting flag, a dump flag).  Each request must be answered.
Each one that succeeded is sent again, unmutated, to knat in MODEL-NETNS,
where it must succeed too: the model is the configuration that only the
successful requests made.  A timed forward (FORWARD_MAP) takes a random
block, so the model cannot make the same one: one made is removed again
at once (FORWARD_DEL), and the model skips both.  After every 1,000 requests, the configuration
(pools, inside prefixes, exempt destinations, static forwards, settings)
read from both namespaces must be equal.  Both namespaces start without
knat state and have only a loopback interface.  Prints a summary; exits
1 at the first difference.

With "refused": every command of the family, as a request and as a dump,
must be refused with EPERM (run as someone who may not configure knat).
"""
import errno
import os
import random
import re
import socket
import struct
import sys
import time

from genl import (GENL_ID_CTRL, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, answer,
                  attr, attrs, family_id, open_socket, socket_in, talk, uapi)

CTRL_CMD_GETPOLICY = 10
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_POLICY, CTRL_ATTR_OP_POLICY = 1, 8, 9
CTRL_ATTR_POLICY_DO, CTRL_ATTR_POLICY_DUMP = 1, 2
PT_TYPE, PT_MIN_S, PT_MAX_S, PT_MIN_U, PT_MAX_U, PT_MIN_LEN, PT_MAX_LEN = range(1, 8)
T_FLAG, T_U8, T_U16, T_U32, T_U64 = 1, 2, 3, 4, 5
T_BINARY, T_NESTED = 10, 13
NLA_F_NESTED = 0x8000

def be32_attrs():
    """The attributes uapi/linux/knat.h says are be32: addresses."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "../../uapi/linux/knat.h")
    return {A[n] for n in re.findall(r"^\tKNAT_A_([A-Z0-9_]+),\s*/\* be32", open(path).read(), re.M)}




A = uapi("knat_attr", "KNAT_A_")
C = uapi("knat_cmd", "KNAT_CMD_")
CMD_POOL_GET, CMD_INSIDE_GET, CMD_CONFIG_GET = C["POOL_GET"], C["INSIDE_GET"], C["CONFIG_GET"]
CMD_EXEMPT_GET, CMD_FORWARD_DEL = C["EXEMPT_GET"], C["FORWARD_DEL"]
CMD_FLUSH = C["FLUSH"]
# Requests that change nothing: the model need not make them, and their
# answers follow what drains, which each namespace frees in its own time.
READ_ONLY = {v for k, v in C.items() if k.endswith("_GET") or k == "WHOIS"}
CMD_FORWARD_GET, CMD_FORWARD_MAP = C["FORWARD_GET"], C["FORWARD_MAP"]
A_ADDR, A_PREFIXLEN, A_IN_ADDR, A_EXT_ADDR = A["ADDR"], A["PREFIXLEN"], A["IN_ADDR"], A["EXT_ADDR"]
A_IN_PORT, A_EXT_PORT, A_REM_ADDR = A["IN_PORT"], A["EXT_PORT"], A["REM_ADDR"]
A_EXPIRES, A_POOL_ID, A_DRAINING = A["EXPIRES"], A["POOL_ID"], A["DRAINING"]
A_RANGES, A_IFINDEX, A_PROTO = A["RANGES"], A["IFINDEX"], A["PROTO"]
A_MODE, A_LIFETIME = A["MODE"], A["LIFETIME"]
ADDRS = {A_ADDR, A_IN_ADDR, A_EXT_ADDR, A_REM_ADDR}
PORTS = {A_IN_PORT, A_EXT_PORT}
# What a request acts on: a well-formed one names it.
KEYS = ADDRS | PORTS | {A_PREFIXLEN, A_PROTO, A_LIFETIME}
NESTED = {A["RANGES"], A["RANGE"], A["FORWARDS"], A["FORWARD"],
          A["ROUTER_PORTS"], A["PORTS"]}
A_ROUTER_PORTS = A["ROUTER_PORTS"]
# What reads differently in two namespaces that made the same requests:
# counts of what traffic and timers do, and the time since knat began.
VOLATILE = {A["MAPPINGS"], A["BLOCKS_ACTIVE"], A["BLOCKS_COOLING"],
            A["BLOCKS_UNCONFIRMED"], A["SUBSCRIBERS"], A["EPOCH"]}
# Addresses worth trying: pools of TEST-NET-2, inside prefixes of the
# shared space, exempt ones of TEST-NET-1, and the odd ones.
SOME_ADDRS = ["198.51.100.0", "198.51.100.1", "198.51.100.4", "198.51.100.8",
              "198.51.100.16", "198.51.100.128", "203.0.113.0",
              "203.0.113.64", "100.64.0.0", "100.64.0.2", "100.64.1.0",
              "100.65.0.0", "192.0.2.0", "192.0.2.1", "0.0.0.0",
              "255.255.255.255", "127.0.0.1", "224.0.0.1"]
BATCH = 1000


def policies(sock, fam):
    """({cmd: (do's policy index or None, dump's)},
    {index: {attr: (type, lo, hi, minlen, maxlen)}})."""
    body = struct.pack("BBH", CTRL_CMD_GETPOLICY, 1, 0) + \
        attr(CTRL_ATTR_FAMILY_ID, struct.pack("H", fam))
    msg = struct.pack("IHHII", 16 + len(body), GENL_ID_CTRL,
                      NLM_F_REQUEST | NLM_F_DUMP, 8, 0) + body
    sock.send(msg)
    err, _, msgs = answer(sock, 8)
    if err:
        sys.exit(f"policy dump: {os.strerror(err)}")
    ops, pols = {}, {}
    for m in msgs:
        for t, v in attrs(m[4:]):
            if t == CTRL_ATTR_OP_POLICY:
                for cmd, p in attrs(v):
                    idx = {k: struct.unpack("I", x)[0] for k, x in attrs(p)}
                    ops[cmd] = (idx.get(CTRL_ATTR_POLICY_DO),
                                idx.get(CTRL_ATTR_POLICY_DUMP))
            elif t == CTRL_ATTR_POLICY:
                for idx, p in attrs(v):
                    for at, spec in attrs(p):
                        d = {k: val for k, val in attrs(spec)}
                        def num(k, signed=False):
                            if k not in d:
                                return None
                            return int.from_bytes(d[k], "little", signed=signed)
                        lo, hi = num(PT_MIN_U), num(PT_MAX_U)
                        if lo is None and PT_MIN_S in d:
                            lo, hi = num(PT_MIN_S, True), num(PT_MAX_S, True)
                        pols.setdefault(idx, {})[at] = (
                            num(PT_TYPE) or 0, lo, hi, num(PT_MIN_LEN),
                            num(PT_MAX_LEN))
    probe_be32(sock, fam, ops, pols)
    return ops, pols


def probe_be32(sock, fam, ops, pols):
    """Add the be32 attributes each command takes to its policy: Linux
    6.1's policy dump leaves NLA_BE32 out.  A command that does not take
    one refuses it as unsupported; one that does takes it alone without
    changing anything (it lacks the rest, or only reads)."""
    seq = 50
    for cmd, (do, _) in sorted(ops.items()):
        if do is None:
            continue
        for at in sorted(be32_attrs()):
            seq += 1
            err, text, _ = talk(sock, fam, cmd, attr(at, socket.inet_aton("192.0.2.1")), seq)
            if "nsupported attribute" not in text:
                pols.setdefault(do, {})[at] = (T_U32, None, None, None, None)


WIDTH = {T_U8: ("B", 0xff), T_U16: ("H", 0xffff), T_U32: ("I", 0xffffffff),
         T_U64: ("Q", 2 ** 64 - 1)}


def pick_int(rng, at, lo, hi, top, valid):
    """An integer for attribute @at of range [@lo, @hi]: in it if @valid
    (a value the family's meaning makes likely to succeed, where there is
    one), else at or beyond its ends."""
    if not valid:
        return rng.choice([lo, hi, lo - 1, hi + 1, 0, top, rng.randint(lo, hi)])
    likely = {A_PREFIXLEN: [32, 31, 30, 29, 28, 24, 16, 10],
              A_POOL_ID: [1, 1, 2, 3], A_PROTO: [6, 17, 1],
              A_IFINDEX: [1], A_LIFETIME: [120, 3600, 0]}.get(at)
    if at in PORTS:
        likely = [1024, 2000, 40000, 65535, 80, 1]
    if likely:
        return rng.choice(likely)
    return rng.choice([lo, hi, rng.randint(lo, hi), rng.randint(lo, min(hi, lo + 64))])


def router_ports(rng):
    """A pool's router-ports: one to nine PORTS entries (nine is one too
    many), each a port or a range, now and then reversed."""
    out = b""
    for _ in range(rng.choice([1, 1, 2, 3, 8, 9])):
        lo = rng.choice([1024, 1100, 4500, 40000, 65535, 1])
        hi = lo + rng.choice([0, 0, 10, 300, -1])
        body = attr(A["PORT_MIN"], struct.pack("H", lo))
        if 1 <= hi <= 65535 and rng.random() < 0.8:
            body += attr(A["PORT_MAX"], struct.pack("H", hi))
        out += attr(A["PORTS"] | NLA_F_NESTED, body)
    return out


def value(rng, at, spec, valid):
    """A payload for attribute @at of policy @spec."""
    typ, lo, hi, minlen, maxlen = spec
    if at == A_ROUTER_PORTS and valid:
        return router_ports(rng)
    if typ == T_FLAG:
        return b""
    if typ in WIDTH:
        fmt, top = WIDTH[typ]
        if at in ADDRS:
            return socket.inet_aton(rng.choice(SOME_ADDRS)) if valid or rng.random() < 0.5 \
                else struct.pack("I", rng.getrandbits(32))
        lo = 0 if lo is None else lo
        hi = top if hi is None else hi
        return struct.pack(fmt, pick_int(rng, at, lo, hi, top, valid) & top)
    if typ == T_BINARY and minlen is not None:
        n = minlen if valid else rng.choice([minlen, maxlen or minlen,
                                             max(0, minlen - 1), minlen + 1])
        return os.urandom(n)
    return os.urandom(rng.choice([0, 1, 4, 8, 17]))


def build(rng, cmd, policy):
    """One request's attributes for @cmd, and how it was mutated.  Three in
    four are well-formed: the attributes that name what a command acts on,
    and a few others, with values in range; the rest take any attributes,
    with values at and beyond the ends of the ranges."""
    valid = rng.random() < 0.75
    share = min(1.0, 3 / max(1, len(policy))) if valid else 0.5
    # A pool's inside prefix is for deterministic pools only.
    keys = KEYS - {A_IN_ADDR} if A_MODE in policy else KEYS
    chosen = [at for at in policy
              if (valid and at in keys) or rng.random() < share]
    rng.shuffle(chosen)
    vals = {at: value(rng, at, policy[at], valid) for at in chosen}
    if valid and A_ADDR in vals and A_PREFIXLEN in vals:
        # A prefix without host bits.
        plen = vals[A_PREFIXLEN][0]
        mask = (0xffffffff << (32 - plen)) & 0xffffffff if plen <= 32 else 0
        vals[A_ADDR] = struct.pack("!I", struct.unpack("!I", vals[A_ADDR])[0] & mask)
    payload = b"".join(attr(at | (NLA_F_NESTED if at == A_ROUTER_PORTS else 0),
                            vals[at]) for at in chosen)
    how = "none" if valid else "ranges"
    if rng.random() < 0.25:
        how = rng.choice(["foreign", "length", "truncate", "flip", "nested",
                          "duplicate", "garbage"])
        if how == "foreign":
            payload += attr(rng.choice([t for t in range(1, 80) if t not in policy]),
                            os.urandom(4))
        elif how == "length" and chosen:
            at = rng.choice(chosen)
            payload += attr(at, os.urandom(rng.choice([0, 1, 3, 5, 9])))
        elif how == "truncate" and payload:
            payload = payload[:rng.randrange(len(payload))]
        elif how == "flip" and payload:
            b = bytearray(payload)
            for _ in range(rng.randint(1, 4)):
                b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
            payload = bytes(b)
        elif how == "nested" and chosen:
            at = rng.choice(chosen)
            payload += struct.pack("HH", 8, at | NLA_F_NESTED) + os.urandom(4)
        elif how == "duplicate" and chosen:
            at = rng.choice(chosen)
            payload += attr(at, value(rng, at, policy[at], valid))
        elif how == "garbage":
            payload += os.urandom(rng.randint(1, 40))
    return payload, how


def request(fam, cmd, payload, seq, dump):
    body = struct.pack("BBH", cmd, 1, 0) + payload
    flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else NLM_F_ACK)
    return struct.pack("IHHII", 16 + len(body), fam, flags, seq, 0) + body


def parse(payload):
    """Attributes as a sorted tuple, nests parsed, volatile ones left out."""
    out = []
    for t, v in attrs(payload):
        if t in VOLATILE:
            continue
        if t in NESTED:
            v = parse(v)
        out.append((t, v))
    return tuple(sorted(out))


def draining(entries):
    for e in entries:
        for t, v in e:
            if t == A_DRAINING and v != b"\0":
                return True
            if t == A_RANGES and any(draining([r[1]]) for r in v):
                return True
    return False


def config(sock, fam, seq):
    """The namespace's configuration, canonical."""
    state = []
    for cmd in (CMD_POOL_GET, CMD_INSIDE_GET, CMD_EXEMPT_GET, CMD_FORWARD_GET,
                CMD_CONFIG_GET):
        err, text, msgs = talk(sock, fam, cmd, b"", seq + cmd, cmd != CMD_CONFIG_GET)
        if err:
            sys.exit(f"read {cmd}: {os.strerror(err)} {text}")
        entries = [parse(m[4:]) for m in msgs]
        if cmd == CMD_FORWARD_GET:
            # A timed forward ends when each namespace's collector says.
            entries = [e for e in entries if not any(t == A_EXPIRES for t, _ in e)]
        state.append((cmd, sorted(entries)))
    return state


def settled(sock, fam, seq):
    """The configuration, once no pool or range drains (each namespace's
    collector frees a drained one in its own time)."""
    for _ in range(150):
        state = config(sock, fam, seq)
        if not draining(state[0][1]):
            return state
        time.sleep(0.1)
    sys.exit("a pool or range still drains after 15 s")


def pool_leaving(sock, fam, seq, payload):
    """Does the pool a request names (POOL_ID, default 1) drain here, or
    is it gone already?  The fuzzer removes none between the request and
    this question: a pool the request reached and that is gone since had
    been draining."""
    want = dict(attrs(payload)).get(A_POOL_ID, struct.pack("I", 1))
    _, _, msgs = talk(sock, fam, CMD_POOL_GET, b"", seq, True)
    pools = [m for m in msgs if dict(attrs(m[4:])).get(A_POOL_ID) == want]
    return not pools or draining([parse(pools[0][4:])])


def replay(sock, fam, cmd, payload, seq, i, fuzzed):
    """Make request @i, which succeeded, on the model: it must succeed."""
    for _ in range(50):
        sock.send(request(fam, cmd, payload, seq, False))
        err, text, _ = answer(sock, seq)
        # The model may still be freeing a drained pool.
        if err not in (errno.EEXIST, errno.EBUSY, errno.EADDRINUSE):
            break
        time.sleep(0.1)
    # A flush reaches a draining pool (to hurry it), which on the model,
    # where no timed forward left a block cooling, is gone already.
    if err == errno.ENOENT and cmd == CMD_FLUSH and \
            pool_leaving(fuzzed, fam, seq + 1, payload):
        return
    if err:
        # A pool or range removed on both may still drain on the model
        # (its collector frees it in its own time), and count there.
        settled(sock, fam, seq + 100)
        err, text, _ = talk(sock, fam, cmd, payload, seq + 200)
    if err:
        sys.exit(f"request {i} (command {cmd}, {payload.hex()}) succeeded, "
                 f"and failed on the model: {os.strerror(err)} {text}")


def unmap(sock, fam, seq, msgs):
    """Remove the timed forward a FORWARD_MAP reply (@msgs) names."""
    key = {t: v for m in msgs for t, v in attrs(m[4:])
           if t in (A_PROTO, A_EXT_ADDR, A_EXT_PORT)}
    # None made when the request removed one (lifetime 0).
    if key.get(A_EXT_PORT, b"\0\0") == b"\0\0":
        return
    err, text, _ = talk(sock, fam, CMD_FORWARD_DEL,
                        b"".join(attr(t, v) for t, v in key.items()), seq + 1)
    if err not in (0, errno.ENOENT):
        sys.exit(f"removing a timed forward: {os.strerror(err)} {text}")


def refused():
    """Every command, done and dumped, is refused: EPERM."""
    s = open_socket()
    fam = family_id(s)
    ops, _ = policies(s, fam)
    if not ops:
        sys.exit("no policies")
    seq = 100
    for cmd in sorted(ops):
        for dump in (False, True):
            seq += 1
            s.send(request(fam, cmd, b"", seq, dump))
            err, text, msgs = answer(s, seq)
            # What the command does not do at all may say so instead.
            ok = {errno.EPERM} if ops[cmd][dump] is not None else \
                {errno.EPERM, errno.EOPNOTSUPP}
            if err not in ok or msgs:
                sys.exit(f"command {cmd}{' dump' if dump else ''}: "
                         f"{os.strerror(err) if err else 'answered'} {text}")
    print(f"# {len(ops)} commands refused, as requests and as dumps")


def main():
    if sys.argv[1:] == ["refused"]:
        return refused()
    fuzz_ns, model_ns, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else random.randrange(2 ** 32)
    rng = random.Random(seed)
    fz, md = socket_in(fuzz_ns), socket_in(model_ns)
    fam = family_id(fz)
    if fam is None:
        sys.exit("no knat family: is the module loaded?")
    ops, pols = policies(fz, fam)
    if not ops:
        sys.exit("no policies")
    cmds = sorted(ops)
    print(f"# seed {seed}: {len(cmds)} commands, {len(pols)} policies")
    seq, errs, kinds, done, why = 1000, {}, {}, {}, {}
    for i in range(1, count + 1):
        cmd = rng.choice(cmds)
        dump = rng.random() < 0.05 or ops[cmd][0] is None
        idx = ops[cmd][1] if dump and ops[cmd][1] is not None else ops[cmd][0]
        payload, how = build(rng, cmd, pols.get(idx, {}))
        seq += 2
        fz.send(request(fam, cmd, payload, seq, dump))
        err, text, msgs = answer(fz, seq)
        kinds[how] = kinds.get(how, 0) + 1
        if err:
            errs[err] = errs.get(err, 0) + 1
            why[(cmd, text)] = why.get((cmd, text), 0) + 1
        elif not dump:
            done[cmd] = done.get(cmd, 0) + 1
            if cmd == CMD_FORWARD_MAP:
                unmap(fz, fam, seq, msgs)
            elif cmd not in READ_ONLY:
                replay(md, fam, cmd, payload, seq + 1, i, fz)
        if i % BATCH == 0 or i == count:
            seq += 100
            a, b = settled(fz, fam, seq), settled(md, fam, seq)
            for x, y in zip(a, b):
                if x != y:
                    sys.exit(f"after {i} requests, command {x[0]} reads "
                             f"{x[1]} here and {y[1]} on the model")
    sizes = ", ".join(f"{len(entries)} {what}" for (_, entries), what in
                      zip(b, ["pools", "inside prefixes", "exempt destinations",
                              "static forwards"]))
    if os.environ.get("KNAT_FUZZ_VERBOSE"):
        for (c, t), n in sorted(why.items(), key=lambda x: -x[1])[:40]:
            print(f"# command {c}: {n} x {t}")
    print("# done, by command: " + " ".join(f"{c}:{n}" for c, n in sorted(done.items())))
    print(f"# the model holds {sizes}")
    print(f"# {count} requests, {sum(done.values())} done; errors "
          + " ".join(f"{errno.errorcode.get(e, e)} {n}" for e, n in sorted(errs.items()))
          + "; mutations " + " ".join(f"{k} {n}" for k, n in sorted(kinds.items())))


if __name__ == "__main__":
    main()
