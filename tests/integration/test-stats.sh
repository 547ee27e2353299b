#!/bin/bash
# stats and top (issue 13).
source "$(dirname "$0")/lib.sh"
