# SPDX-License-Identifier: GPL-2.0
"""The cases of the load matrix: their order in tables and plots, what each
one loads, and how the targets group them."""

CASE_ORDER = ["nomod", "off", "valid", "unsigned", "malformed",
              "forged-garbage", "forged-untrusted", "forged-badsig",
              "wrong-type", "wrong-size", "replay", "ref-copy"]
CASE_DESC = {
    "nomod": "no module loaded; the program verifies and loads",
    "off": "module loaded, mode off; the program verifies and loads",
    "valid": "enforce; valid signature from the enrolled key: accepted",
    "unsigned": "enforce; no trailer: EPERM",
    "malformed": "enforce; trailer with a non-zero reserved byte: EBADMSG",
    "forged-garbage": "enforce; well-formed trailer and statement, CMS bytes "
                      "replaced by noise: EBADMSG",
    "forged-untrusted": "enforce; well-formed CMS from a key not enrolled: "
                        "ENOKEY",
    "forged-badsig": "enforce; well-formed CMS naming the enrolled key, one "
                     "bit of its RSA signature flipped: EKEYREJECTED after "
                     "the RSA verification",
    "wrong-type": "enforce; valid signature, statement for another program "
                  "type: EKEYREJECTED",
    "wrong-size": "enforce; valid signature, statement for a program one "
                  "instruction longer: EKEYREJECTED",
    "replay": "enforce; valid statement of program A appended to program B "
              "of the same type and size: EKEYREJECTED after the hash",
    "ref-copy": "no module; invalid program type: the kernel allocates and "
                "copies the instructions, then refuses (EINVAL) - the cost "
                "of the copy alone",
}
GROUP_UNSIGNED = ["unsigned", "malformed"]
GROUP_FORGED = ["forged-garbage", "forged-untrusted", "forged-badsig",
                "wrong-type", "wrong-size"]
