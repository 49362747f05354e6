/**
 * Page-table entries of one process, as plain numbers: none, present
 * (frame, page), a swap entry (offset), a migration entry (frame, page)
 * or the poisoned PTE marker (make_poisoned_swp_entry: the data is gone).
 * The page-table lock is implicit: every model step that touches PTEs does
 * so in one atomic step, as the kernel does under the PTL.
 */

export type Pte = number;

const KIND_BITS = 3;
const PAGE_LIMIT = 1 << 10;

export const PTE_NONE: Pte = 0;
const PRESENT = 1;
const SWAP = 2;
const MIGRATION = 3;
const POISONED = 4;

export type PteKind = "none" | "present" | "swap" | "migration" | "poisoned";

export function ptePresent(frame: number, page: number): Pte {
  return ((frame * PAGE_LIMIT + page) << KIND_BITS) | PRESENT;
}

/** A swap entry (pte_to_swp_entry): the swap offset. */
export function pteSwap(offset: number): Pte {
  return (offset << KIND_BITS) | SWAP;
}

/** make_migration_entry(): a non-present entry naming the folio page being migrated. */
export function pteMigration(frame: number, page: number): Pte {
  return ((frame * PAGE_LIMIT + page) << KIND_BITS) | MIGRATION;
}

/**
 * make_poisoned_swp_entry() (v6.6: the PTE_MARKER_POISONED marker): what
 * unuse_pte and do_swap_page leave where the page could not be read; the
 * next access gets SIGBUS.
 */
export const PTE_POISONED: Pte = POISONED;

const KINDS: readonly PteKind[] = ["none", "present", "swap", "migration", "poisoned"];

export function pteKind(pte: Pte): PteKind {
  return KINDS[pte & 7]!;
}

/** The frame of a present or migration entry. */
export function pteFrame(pte: Pte): number {
  return Math.floor((pte >>> KIND_BITS) / PAGE_LIMIT);
}

/** The page within the folio of a present or migration entry. */
export function ptePage(pte: Pte): number {
  return (pte >>> KIND_BITS) % PAGE_LIMIT;
}

/** The offset of a swap entry. */
export function pteSwapOffset(pte: Pte): number {
  return pte >>> KIND_BITS;
}

/** A PTE in kernel words, with `frameName` naming frames (e.g. A, B). */
export function pteDescribe(pte: Pte, frameName: (frame: number) => string): string {
  switch (pteKind(pte)) {
    case "none":
      return "none";
    case "present":
      return `${frameName(pteFrame(pte))}[${ptePage(pte)}]`;
    case "swap":
      return `swp(${pteSwapOffset(pte)})`;
    case "poisoned":
      return "poisoned";
    default:
      return `migr(${frameName(pteFrame(pte))}[${ptePage(pte)}])`;
  }
}
