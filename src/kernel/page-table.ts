/**
 * Page-table entries of one process, as plain numbers: none, present
 * (frame, page), a swap entry (offset), a migration entry (frame, page)
 * or the poisoned PTE marker (make_poisoned_swp_entry: the data is gone).
 * Present and migration entries carry the accessed ("young") bit: the MMU
 * sets it when the process touches the page, folio_referenced() clears it,
 * and migration carries it over (make_migration_entry_young, v6.1+).
 * The page-table lock is implicit: every model step that touches PTEs does
 * so in one atomic step, as the kernel does under the PTL.
 */

export type Pte = number;

const KIND_BITS = 3;
/** The accessed bit, above the kind; the payload (frame, page or offset) above it. */
const YOUNG = 1 << KIND_BITS;
const PAYLOAD_SHIFT = KIND_BITS + 1;
const PAGE_LIMIT = 1 << 10;

export const PTE_NONE: Pte = 0;
const PRESENT = 1;
const SWAP = 2;
const MIGRATION = 3;
const POISONED = 4;

export type PteKind = "none" | "present" | "swap" | "migration" | "poisoned";

/**
 * mk_pte(): young by default, as a fault maps a page (x86's vm_page_prot
 * carries _PAGE_ACCESSED); `young: false` for pte_mkold(mk_pte(...)).
 */
export function ptePresent(frame: number, page: number, young = true): Pte {
  return ((frame * PAGE_LIMIT + page) << PAYLOAD_SHIFT) | (young ? YOUNG : 0) | PRESENT;
}

/** A swap entry (pte_to_swp_entry): the swap offset. */
export function pteSwap(offset: number): Pte {
  return (offset << PAYLOAD_SHIFT) | SWAP;
}

/**
 * make_migration_entry(): a non-present entry naming the folio page being
 * migrated; `young` is make_migration_entry_young (the PTE was young).
 */
export function pteMigration(frame: number, page: number, young = true): Pte {
  return ((frame * PAGE_LIMIT + page) << PAYLOAD_SHIFT) | (young ? YOUNG : 0) | MIGRATION;
}

/** pte_young() / is_migration_entry_young(). */
export function pteYoung(pte: Pte): boolean {
  return (pte & YOUNG) !== 0;
}

/** pte_mkold(): the accessed bit cleared (ptep_clear_flush_young). */
export function pteMkold(pte: Pte): Pte {
  return pte & ~YOUNG;
}

/** pte_mkyoung(): the accessed bit set (what the MMU does on an access). */
export function pteMkyoung(pte: Pte): Pte {
  return pte | YOUNG;
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
  return Math.floor((pte >>> PAYLOAD_SHIFT) / PAGE_LIMIT);
}

/** The page within the folio of a present or migration entry. */
export function ptePage(pte: Pte): number {
  return (pte >>> PAYLOAD_SHIFT) % PAGE_LIMIT;
}

/** The offset of a swap entry. */
export function pteSwapOffset(pte: Pte): number {
  return pte >>> PAYLOAD_SHIFT;
}

/** A PTE in kernel words, with `frameName` naming frames (e.g. A, B). */
export function pteDescribe(pte: Pte, frameName: (frame: number) => string): string {
  switch (pteKind(pte)) {
    case "none":
      return "none";
    case "present":
      // Only an old PTE says so: a fault maps pages young.
      return `${frameName(pteFrame(pte))}[${ptePage(pte)}]${pteYoung(pte) ? "" : " old"}`;
    case "swap":
      return `swp(${pteSwapOffset(pte)})`;
    case "poisoned":
      return "poisoned";
    default:
      return `migr(${frameName(pteFrame(pte))}[${ptePage(pte)}])`;
  }
}
