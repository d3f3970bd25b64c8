import { say } from "./announce";
import { act, afterRender, focusIfLost, rerender } from "./ui";

export type ListPage<T> = { items: T[]; nextCursor: string | null };

/**
 * A list page's rows read page by page from the fabric (the monitors and streams lists). Each load
 * supersedes the one before: a slow answer to an older filter (or a "Load more" of the old list)
 * arriving after a newer one must not replace the list the form now asks for. A load a person
 * asked for is said on the status line; after "Load more", focus goes to the first row it brought
 * (the button is gone once the last page is in).
 *
 * @example const list = new PagedList({ read: (cursor) => …, noun: "stream", rows: "table.streams tbody tr" }); list.load(false, false)
 */
export class PagedList<T> {
  items: T[] = [];
  nextCursor: string | null = null;
  loading = true;
  error: unknown;
  private generation = 0;

  constructor(
    private readonly o: {
      /** The page after `cursor` (the first page for undefined), under the filters in force. */
      read: (cursor: string | undefined) => Promise<ListPage<T>>;
      /** What a row is, for the status line ("3 streams listed."). */
      noun: string;
      /** The rows' selector; each row's first link takes focus after "Load more". */
      rows: string;
    },
  ) {}

  /** `more`: the next page, appended; else the first page anew. `asked`: a person asked, so it is said. */
  load(more: boolean, asked = true): void {
    const mine = ++this.generation;
    act(
      async () => {
        this.loading = true;
        this.error = undefined;
        rerender();
        const page = await this.o.read(more ? (this.nextCursor ?? undefined) : undefined);
        if (mine !== this.generation) return;
        const before = this.items.length;
        this.items = more ? [...this.items, ...page.items] : page.items;
        this.nextCursor = page.nextCursor;
        this.loading = false;
        const n = this.items.length;
        if (asked) say(`${n} ${this.o.noun}${n === 1 ? "" : "s"} listed${this.nextCursor ? ", more to load" : ""}.`);
        if (more) afterRender(() => focusIfLost(`${this.o.rows}:nth-child(${before + 1}) a`));
        rerender();
      },
      (err) => {
        if (mine !== this.generation) return;
        this.error = err;
        this.loading = false;
      },
    );
  }
}
