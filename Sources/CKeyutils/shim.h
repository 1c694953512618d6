// The Linux kernel's key retention service (Debian libkeyutils-dev): the session keyring
// holds the vault's key for `mes unlock` (one unlock per session, issue 20).
#include <keyutils.h>
