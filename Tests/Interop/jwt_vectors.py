"""Signed-token test vectors for the gateway's JWT verifier, made with PyJWT (the reference
library) at test time, so that `exp` and `nbf` are relative to now.

usage: jwt_vectors.py DIR
Writes into DIR: secret (HS256 key), keys.jwks (RSA and EC P-256 public keys with kid),
keys.pem (the same two keys as PEM), and prints one JSON object of named tokens on stdout.
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict, payload: dict) -> str:
    return b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())


def main() -> None:
    out = sys.argv[1]
    now = int(time.time())
    secret = os.urandom(32).hex()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    other_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    small_rsa = rsa.generate_private_key(public_exponent=65537, key_size=1024)

    with open(os.path.join(out, "secret"), "w") as f:
        f.write(secret + "\n")
    rsa_jwk = json.loads(RSAAlgorithm.to_jwk(rsa_key.public_key()))
    rsa_jwk.update(kid="rsa-1", use="sig", alg="RS256")
    ec_jwk = json.loads(ECAlgorithm.to_jwk(ec_key.public_key()))
    ec_jwk.update(kid="ec-1", use="sig")
    with open(os.path.join(out, "keys.jwks"), "w") as f:
        json.dump({"keys": [rsa_jwk, ec_jwk]}, f)
    pem = b"".join(k.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
                   for k in (rsa_key, ec_key))
    with open(os.path.join(out, "keys.pem"), "wb") as f:
        f.write(pem)
    with open(os.path.join(out, "small.pem"), "wb") as f:
        f.write(small_rsa.public_key().public_bytes(serialization.Encoding.PEM,
                                                    serialization.PublicFormat.SubjectPublicKeyInfo))

    aud = "hypertable-gateway"
    hour = 3600
    claims = {"exp": now + hour, "aud": aud}

    def roles(*names, ns=None, **extra):
        payload = dict(claims, realm_access={"roles": list(names)}, **extra)
        if ns is not None:
            payload["ns"] = ns
        return payload

    tokens = {
        # Good ones (the JWKS gateway reads roles from realm_access.roles, namespaces from ns).
        "hs_read": jwt.encode(roles("read"), secret, algorithm="HS256"),
        "rs_admin": jwt.encode(roles("admin"), rsa_key, algorithm="RS256", headers={"kid": "rsa-1"}),
        "es_write_j": jwt.encode(roles("write", ns=["/j"]), ec_key, algorithm="ES256", headers={"kid": "ec-1"}),
        "es_no_kid_read": jwt.encode(roles("read", "unknown-role"), ec_key, algorithm="ES256"),
        "rs_no_role": jwt.encode(roles("viewer"), rsa_key, algorithm="RS256", headers={"kid": "rsa-1"}),
        # Expired a minute ago and valid only in a minute: inside the gateway's 300 s leeway.
        "rs_skewed": jwt.encode(roles("read") | {"exp": now - 60, "nbf": now + 60},
                                rsa_key, algorithm="RS256", headers={"kid": "rsa-1"}),
        # Refused ones: each is a 401 with error="invalid_token".
        "alg_none": unsigned({"alg": "none", "typ": "JWT"}, roles("admin")) + ".",
        "alg_none_signed": unsigned({"alg": "none"}, roles("admin")) + "." + b64url(b"x" * 32),
        "alg_hs512": jwt.encode(roles("admin"), secret, algorithm="HS512"),
        "expired": jwt.encode(roles("read") | {"exp": now - hour}, rsa_key, algorithm="RS256",
                              headers={"kid": "rsa-1"}),
        "not_yet_valid": jwt.encode(roles("read") | {"nbf": now + hour}, ec_key, algorithm="ES256",
                                    headers={"kid": "ec-1"}),
        "bad_signature_rs": None,
        "bad_signature_hs": jwt.encode(roles("admin"), secret[::-1], algorithm="HS256"),
        "other_rsa_key": jwt.encode(roles("admin"), other_rsa, algorithm="RS256", headers={"kid": "rsa-1"}),
        "es_with_rsa_kid": jwt.encode(roles("admin"), ec_key, algorithm="ES256", headers={"kid": "rsa-1"}),
        "rs_signed_by_ec_kid": jwt.encode(roles("admin"), rsa_key, algorithm="RS256", headers={"kid": "ec-1"}),
        "unknown_kid": jwt.encode(roles("admin"), rsa_key, algorithm="RS256", headers={"kid": "rsa-9"}),
        "wrong_audience": jwt.encode(roles("admin") | {"aud": "someone-else"}, rsa_key, algorithm="RS256",
                                     headers={"kid": "rsa-1"}),
        "no_audience": jwt.encode({k: v for k, v in roles("admin").items() if k != "aud"}, rsa_key,
                                  algorithm="RS256", headers={"kid": "rsa-1"}),
        "critical": jwt.encode(roles("admin"), rsa_key, algorithm="RS256", headers={"kid": "rsa-1", "crit": ["exp"]}),
        "exp_text": jwt.encode(roles("admin") | {"exp": "tomorrow"}, secret, algorithm="HS256"),
        "malformed": "abc.def.ghi",
        "oversized": jwt.encode(roles("admin") | {"pad": "x" * 9000}, secret, algorithm="HS256"),
    }
    good = tokens["rs_admin"]
    head, body, signature = good.split(".")
    # One flipped bit in the signature's first byte.
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    tokens["bad_signature_rs"] = head + "." + body + "." + b64url(bytes([raw[0] ^ 1]) + raw[1:])

    # For the PEM gateway (no secret, default claims scope and namespaces, no audience).
    plain = {"exp": now + hour}
    public_pem = rsa_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    tokens["pem_rs_write"] = jwt.encode(plain | {"scope": "read write"}, rsa_key, algorithm="RS256")
    tokens["pem_es_read_j"] = jwt.encode(plain | {"scope": "read", "namespaces": "/j"}, ec_key, algorithm="ES256")
    # Algorithm confusion: HS256 "signed" with the RSA public key's PEM as the secret. PyJWT
    # refuses to make it, so it is made by hand.
    confused = unsigned({"alg": "HS256", "typ": "JWT"}, plain | {"scope": "admin"})
    tokens["pem_hs_with_public_key"] = confused + "." + b64url(
        hmac.new(public_pem, confused.encode(), hashlib.sha256).digest())
    print(json.dumps(tokens))


if __name__ == "__main__":
    main()
