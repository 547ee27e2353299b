#!/bin/bash
# A container's files (issue 6): lite diff.
source "$(dirname "$0")/lib.sh"

lite run --name d1 testimg sh -c 'mkdir -p /new/sub; echo x > /new/sub/f; echo y >> /etc/passwd; rm /bin/ls; rm -rf /home; mkdir /home; touch /home/only' >/dev/null
capture lite diff d1
is_rc 0 "diff exits 0"
like "$OUT" '^A /new$' "diff: an added directory is A"
like "$OUT" '^A /new/sub/f$' "diff: a file in it is A"
like "$OUT" '^C /etc$' "diff: a changed parent is C"
like "$OUT" '^C /etc/passwd$' "diff: a changed file is C"
like "$OUT" '^D /bin/ls$' "diff: a deleted file is D"
like "$OUT" '^A /home/only$' "diff: a file in a recreated directory is A"
unlike "$OUT" '/etc/group' "diff: an untouched file is not listed"
is "$(printf '%s\n' "$OUT" | grep -vc '^[ACD] /')" 0 "diff prints only KIND PATH lines"
capture lite diff nosuch
is "$RC" 1 "diff of an unknown container exits 1"

done_testing
