/**
 * The first `limit` items of a paged list, and whether it had more: one item past the limit is
 * read to know, so a command can say its answer was cut instead of passing a page off as all.
 *
 * @example const { items, more } = await takeFirst(client.matches(id, { pageSize: 101 }), 100);
 */
export async function takeFirst<T>(
  items: AsyncIterable<T>,
  limit: number,
): Promise<{ items: T[]; more: boolean; next?: T }> {
  const got: T[] = [];
  for await (const item of items) {
    if (got.length === limit) return { items: got, more: true, next: item };
    got.push(item);
  }
  return { items: got, more: false };
}
