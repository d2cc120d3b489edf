// What every cursor-paged list of the API shares, for TanStack Query's useInfiniteQuery.

/** The first page has no cursor; each page's `next` names the following one (null on the last). */
export const cursorPaging = {
  initialPageParam: '',
  getNextPageParam: (last: { next: string | null }) => last.next ?? undefined,
}

/** The query of one page: how many, and after the first page, from where. */
export function pageQuery(limit: number, cursor: string) {
  return cursor ? { limit, cursor } : { limit }
}
