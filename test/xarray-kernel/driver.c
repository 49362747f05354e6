// SPDX-License-Identifier: MIT
/*
 * driver.c: the kernel's own lib/xarray.c, run on sequences of operations
 * read from stdin, printing each return value and a canonical dump of the
 * tree. Its TypeScript twin (driver.ts) runs the same sequences over the
 * port in src/kernel/xarray.ts; the two outputs must be equal.
 *
 * Built (build.sh) the way the kernel's tools/testing/radix-tree builds its
 * xarray test: lib/xarray.c included in this translation unit with XA_DEBUG,
 * on the userspace shims of tools/testing/radix-tree (liburcu for RCU, its
 * kmem_cache in linux.c), XA_CHUNK_SHIFT from generated/map-shift.h. No
 * kernel file is part of this repository: build.sh takes them from Debian's
 * linux-source package.
 *
 * Three probes, all outside lib/xarray.c's logic:
 * - XA_NODE_BUG_ON / BUG_ON report the function and the assertion and end
 *   the sequence (the kernel would oops there);
 * - xas_retry() counts retries: more than RETRY_BUDGET in one call of a
 *   function is reported as a livelock in that function (xa_load spins on
 *   XA_RETRY_ENTRY forever);
 * - xa_parent_locked() returning NULL inside xas_create_range() is reported:
 *   the kernel's loop goes on from there with the top node's node->offset,
 *   which xas_alloc() never set for a top node (it is whatever the slab
 *   left there), so what follows depends on allocation history.
 * A crash (SIGSEGV) or a timeout (5 s) ends the sequence it happens in,
 * reported like a BUG. The driver holds the RCU read lock throughout, so no
 * node is ever freed or reused: each is a fresh, zeroed slab object (so a
 * top node's node->offset is 0), and a cursor naming a freed node still
 * reads that node. Each sequence starts on a fresh array.
 *
 * Input, one operation per line; a sequence ends with "end":
 *   st I K E   XA_STATE_ORDER(I, K) + xas_store(E) (xa_store_order); cursor reset
 *   set I K    the cursor := XA_STATE_ORDER(I, K)
 *   ld | nx | pv | cr   xas_load / xas_next / xas_prev / xas_create_range on the cursor
 *   cs E       xas_store(&cursor, E)
 *   gl I       xa_load(I)            go I   xa_get_order(I)
 *   ar I K E   add_to_swap_cache()'s loop: XA_STATE_ORDER(I, K), xas_create_range,
 *              2^K x { xas_load; xas_store(E); xas_next }; cursor reset
 *   mg V I K   folio_migrate_mapping()'s store loop of variant V (pp per-page,
 *              ho head-only, sc sibling-check, sb swapbacked-check on a
 *              swap-backed folio) at XA_STATE(I), nr = 2^K, new entry p999; cursor reset
 * Entries: 0 (NULL), pN (pointer N), vN (value N); printed also sN (sibling),
 * n (node), r (retry), z (zero), i<hex> (other internal).
 *
 * Output: "S <shift>", then per sequence "seq <n>", for each step
 * "<step> <op> -> <result> | <cursor>" (index, shift, sibs, offset, node as
 * R(estart) B(ounds) H(ead) or <shift>@<first index>) and the tree ("H
 * <head>", then every node depth first: "N <shift>@<index> off= cnt= nv=
 * [slots]"), at the end "L" and the runs of equal non-NULL entries over
 * indices 0..UNIVERSE-1; a BUG replaces the step's line with "<step> <op>
 * -> ! <what>" and ends the sequence; "end". A cursor index wrapped below 0
 * is set back to 0 (" wrapped"): the port's indices have 48 bits.
 */
#define _GNU_SOURCE
#define XA_DEBUG
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void kbug(const char *func, const char *cond);
/* tools/include/linux/kernel.h defines BUG_ON only #ifndef BUG_ON; BUG() is BUG_ON(1). */
#define BUG_ON(cond) do { if (cond) kbug(__func__, #cond); } while (0)

#include "test.h"

/* After xarray.h: XA_NODE_BUG_ON for lib/xarray.c names its assertion. */
#undef XA_NODE_BUG_ON
#define XA_NODE_BUG_ON(node, x) do { if (x) kbug(__func__, #x); } while (0)
#undef XA_BUG_ON
#define XA_BUG_ON(xa, x) do { if (x) kbug(__func__, #x); } while (0)

#define RETRY_BUDGET 1000
static int retries;
static bool counted_xas_retry(const char *func, struct xa_state *xas, const void *entry)
{
	bool r = xas_retry(xas, entry);
	if (r && ++retries > RETRY_BUDGET)
		kbug(func, "livelock: retry entry");
	return r;
}
#define xas_retry(xas, entry) counted_xas_retry(__func__, xas, entry)

static struct xa_node *checked_parent_locked(const char *func, const struct xarray *xa,
					     const struct xa_node *node)
{
	struct xa_node *parent = xa_parent_locked(xa, node);
	if (!parent && strcmp(func, "xas_create_range") == 0)
		kbug(func, "climbed past the top node (stale node->offset)");
	return parent;
}
#define xa_parent_locked(xa, node) checked_parent_locked(__func__, xa, node)

#define module_init(x)
#define module_exit(x)
#define MODULE_AUTHOR(x)
#define MODULE_LICENSE(x)
#define dump_stack()

#include "../../../lib/xarray.c"

static FILE *out, *proto;
static char *step_text;
static size_t step_len;
static sigjmp_buf bug_jmp;
static char bug_msg[256];

static void kbug(const char *func, const char *cond)
{
	/* xarray.h's xa_entry()/xa_entry_locked() check with the header's macro: BUG(). */
	if (strcmp(cond, "1") == 0 && strncmp(func, "xa_entry", 8) == 0)
		cond = "offset >= XA_CHUNK_SIZE";
	if (strncmp(cond, "livelock", 8) == 0)
		snprintf(bug_msg, sizeof(bug_msg), "livelock in %s: retry entry", func);
	else if (strncmp(cond, "climbed", 7) == 0)
		snprintf(bug_msg, sizeof(bug_msg), "%s: %s", func, cond);
	else
		snprintf(bug_msg, sizeof(bug_msg), "BUG in %s: %s", func, cond);
	siglongjmp(bug_jmp, 1);
}

/* A crash or a timeout (alarm) inside the kernel's code ends the sequence like a BUG. */
static void on_signal(int sig)
{
	snprintf(bug_msg, sizeof(bug_msg), "crash: signal %d (%s)", sig,
		 sig == SIGALRM ? "timeout" : strsignal(sig));
	siglongjmp(bug_jmp, 1);
}

static DEFINE_XARRAY(arr);
static struct xa_state cur;

static void *mk_entry(const char *s)
{
	if (s[0] == 'p')
		return (void *)((strtoul(s + 1, NULL, 10) + 1) << 3);
	if (s[0] == 'v')
		return xa_mk_value(strtoul(s + 1, NULL, 10));
	return NULL;
}

static void put_entry(const void *e)
{
	uintptr_t v = (uintptr_t)e;
	if (!e)
		fputs("0", out);
	else if (xa_is_value(e))
		fprintf(out, "v%lu", xa_to_value(e));
	else if (xa_is_sibling(e))
		fprintf(out, "s%lu", xa_to_sibling(e));
	else if (xa_is_node(e))
		fputs("n", out);
	else if (xa_is_retry(e))
		fputs("r", out);
	else if (xa_is_zero(e))
		fputs("z", out);
	else if (xa_is_internal(e))
		fprintf(out, "i%lx", (unsigned long)v);
	else
		fprintf(out, "p%lu", (unsigned long)(v >> 3) - 1);
}

/* The first index a node covers, from the offsets along its parent chain. */
static unsigned long node_index(const struct xa_node *node)
{
	unsigned long index = 0;
	int depth = 0;
	while (node->parent && depth++ < 64) {
		index += (unsigned long)node->offset << node->parent->shift;
		node = node->parent;
	}
	return index;
}

static void put_cursor(const struct xa_state *x)
{
	/* The port's unsigned long has 48 bits (XA_MAX_INDEX = 2^48 - 1): xas_prev() from 0 wraps there. */
	fprintf(out, " | i=%lu sh=%u sb=%u off=%u node=", x->xa_index & ((1UL << 48) - 1), x->xa_shift,
		x->xa_sibs, x->xa_offset);
	if (x->xa_node == XAS_RESTART)
		fputs("R", out);
	else if (x->xa_node == XAS_BOUNDS)
		fputs("B", out);
	else if (!x->xa_node)
		fputs("H", out);
	else
		fprintf(out, "%u@%lu", x->xa_node->shift, node_index(x->xa_node));
}

static void dump_node(const struct xa_node *node, unsigned long index, int depth)
{
	fprintf(out, "N %u@%lu off=%u cnt=%u nv=%u [", node->shift, index, node->offset, node->count,
		node->nr_values);
	for (unsigned i = 0; i < XA_CHUNK_SIZE; i++) {
		if (i)
			fputc(' ', out);
		put_entry(node->slots[i]);
	}
	fputs("]\n", out);
	if (!node->shift || depth > 20)
		return;
	for (unsigned i = 0; i < XA_CHUNK_SIZE; i++) {
		void *e = node->slots[i];
		if (xa_is_node(e))
			dump_node(xa_to_node(e), index + ((unsigned long)i << node->shift), depth + 1);
	}
}

static void dump_tree(void)
{
	fputs("H ", out);
	put_entry(arr.xa_head);
	fputc('\n', out);
	if (xa_is_node(arr.xa_head))
		dump_node(xa_to_node(arr.xa_head), 0, 0);
}

#define UNIVERSE 512
#define WRAP_LIMIT (1UL << 40)

static void dump_loads(void)
{
	fputs("L", out);
	void *prev = NULL;
	unsigned long first = 0;
	for (unsigned long i = 0; i <= UNIVERSE; i++) {
		void *e = i < UNIVERSE ? xa_load(&arr, i) : (void *)-1;
		if (i && e == prev)
			continue;
		if (i && prev) {
			fprintf(out, " %lu-%lu:", first, i - 1);
			put_entry(prev);
		}
		prev = e;
		first = i;
	}
	fputc('\n', out);
}

static void migrate_loop(const char *variant, unsigned long index, unsigned order)
{
	XA_STATE(xas, &arr, index);
	void *b = mk_entry("p999");
	long nr = 1L << order;
	void *e;

	if (!strcmp(variant, "pp")) {
		put_entry(xas_store(&xas, b));
		for (long i = 1; i < nr; i++) {
			fputc(',', out);
			put_entry(xas_next(&xas));
			fputc(',', out);
			put_entry(xas_store(&xas, b));
		}
	} else if (!strcmp(variant, "ho")) {
		put_entry(xas_store(&xas, b));
	} else if (!strcmp(variant, "sc")) {
		put_entry(xas_store(&xas, b));
		e = xas_next(&xas);
		fputc(',', out);
		put_entry(e);
		if (nr > 1 && !xa_is_sibling(e)) {
			for (long i = 1; i < nr; ++i) {
				fputc(',', out);
				put_entry(xas_store(&xas, b));
				fputc(',', out);
				put_entry(xas_next(&xas));
			}
		}
	} else {
		for (long i = 0; i < nr; i++) {
			if (i)
				fputc(',', out);
			put_entry(xas_store(&xas, b));
			fputc(',', out);
			put_entry(xas_next(&xas));
		}
	}
	put_cursor(&xas);
}

static void add_range(unsigned long index, unsigned order, void *entry)
{
	XA_STATE_ORDER(xas, &arr, index, order);
	long nr = 1L << order;
	index = xas.xa_index;
	xas_create_range(&xas);
	for (long i = 0; i < nr; i++) {
		/* add_to_swap_cache(): VM_BUG_ON_FOLIO(xas.xa_index != idx + i, folio) */
		if (xas.xa_index != index + i)
			kbug("add_to_swap_cache", "xas.xa_index != idx + i");
		if (i)
			fputc(',', out);
		put_entry(xas_load(&xas));
		fputc(',', out);
		put_entry(xas_store(&xas, entry));
		xas_next(&xas);
	}
	put_cursor(&xas);
}

static void run_sequence(char **lines, int n)
{
	volatile int step = 0;
	/* A fresh array; the last one's nodes are left behind (it may be broken after a BUG). */
	xa_init(&arr);
	XA_STATE(fresh, &arr, 0);
	cur = fresh;

	alarm(5);
	if (sigsetjmp(bug_jmp, 1)) {
		/* The step's partial output is dropped: the BUG is its result. */
		alarm(0);
		fprintf(proto, "%d %s -> ! %s\n", step, step < n ? lines[step] : "loads", bug_msg);
		return;
	}
	for (; step < n; step++) {
		char op[8] = "", a[32] = "", b[32] = "", c[32] = "";
		sscanf(lines[step], "%7s %31s %31s %31s", op, a, b, c);
		retries = 0;
		out = open_memstream(&step_text, &step_len);
		fprintf(out, "%d %s -> ", step, lines[step]);
		if (!strcmp(op, "st")) {
			XA_STATE_ORDER(xas, &arr, strtoul(a, NULL, 10), atoi(b));
			put_entry(xas_store(&xas, mk_entry(c)));
			cur.xa_node = XAS_RESTART;
		} else if (!strcmp(op, "set")) {
			XA_STATE_ORDER(xas, &arr, strtoul(a, NULL, 10), atoi(b));
			cur = xas;
			fputs("-", out);
		} else if (!strcmp(op, "ld")) {
			put_entry(xas_load(&cur));
		} else if (!strcmp(op, "nx")) {
			put_entry(xas_next(&cur));
		} else if (!strcmp(op, "pv")) {
			put_entry(xas_prev(&cur));
		} else if (!strcmp(op, "cs")) {
			put_entry(xas_store(&cur, mk_entry(a)));
		} else if (!strcmp(op, "cr")) {
			xas_create_range(&cur);
			fputs("-", out);
		} else if (!strcmp(op, "gl")) {
			put_entry(xa_load(&arr, strtoul(a, NULL, 10)));
		} else if (!strcmp(op, "go")) {
			fprintf(out, "%d", xa_get_order(&arr, strtoul(a, NULL, 10)));
		} else if (!strcmp(op, "ar")) {
			add_range(strtoul(a, NULL, 10), atoi(b), mk_entry(c));
			cur.xa_node = XAS_RESTART;
		} else if (!strcmp(op, "mg")) {
			migrate_loop(a, strtoul(b, NULL, 10), atoi(c));
			cur.xa_node = XAS_RESTART;
		} else {
			fprintf(out, "?");
		}
		put_cursor(&cur);
		/*
		 * xas_prev() from 0 wraps to ULONG_MAX, where a store grows the kernel's tree to 64
		 * bits and the port's to 48: the cursor is set back to 0 (both drivers) instead.
		 */
		if (cur.xa_index >= WRAP_LIMIT) {
			xas_set(&cur, 0);
			fputs(" wrapped", out);
		}
		fputc('\n', out);
		fclose(out);
		fputs(step_text, proto);
		free(step_text);
		out = proto;
		dump_tree();
	}
	out = open_memstream(&step_text, &step_len);
	dump_loads();
	fclose(out);
	fputs(step_text, proto);
	free(step_text);
	alarm(0);
}

int main(void)
{
	char buf[256];
	char *lines[1024];
	int n = 0, seq = 0;

	/* The protocol goes to the original stdout; xa_dump() and printk go nowhere. */
	proto = out = fdopen(dup(1), "w");
	if (!out || !freopen("/dev/null", "w", stdout))
		return 2;
	fprintf(out, "S %d\n", XA_CHUNK_SHIFT);
	rcu_register_thread();
	radix_tree_init();
	/* xas_alloc() allocates with GFP_NOWAIT, which the userspace slab fails unless told not to. */
	kmem_cache_set_non_kernel(radix_tree_node_cachep, 1u << 30);
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	signal(SIGALRM, on_signal);
	/*
	 * Readers hold the RCU lock across a whole sequence: freed nodes stay as they were while
	 * it runs, as they would for a reader that still names one.
	 */
	rcu_read_lock();
	while (fgets(buf, sizeof(buf), stdin)) {
		buf[strcspn(buf, "\n")] = 0;
		if (strcmp(buf, "end") != 0) {
			if (buf[0] && n < 1024)
				lines[n++] = strdup(buf);
			continue;
		}
		fprintf(proto, "seq %d\n", seq++);
		run_sequence(lines, n);
		fputs("end\n", proto);
		for (int i = 0; i < n; i++)
			free(lines[i]);
		n = 0;
	}
	fflush(proto);
	return 0;
}
