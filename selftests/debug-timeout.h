/* SPDX-License-Identifier: GPL-2.0 */
/*
 * make test-debug (selftests/test-debug.sh) builds the VM selftests a second
 * time with this header forced in first (-include): the same tests, with
 * ten times the harness's 30 s per test. The debug kernel under TCG verifies
 * programs about ten times slower than the pinned kernel, and a test that
 * the harness kills half-way leaves the module loaded for the next suites.
 */
#include "kselftest_harness.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300
