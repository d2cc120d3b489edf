// Names for the API's shapes, all derived from the generated schema (never written by hand).
import type { paths } from './schema'

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never
type Method = 'get' | 'post' | 'patch' | 'delete'
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>
type Responses<P extends keyof paths, M extends Method> = Op<P, M> extends { responses: infer R } ? R : never

/** The JSON body of a successful (200 or 201) answer. */
export type Ok<P extends keyof paths, M extends Method = 'get'> =
  Responses<P, M> extends { 200: infer R } ? Json<R> : Responses<P, M> extends { 201: infer R } ? Json<R> : never

/** The JSON body a request sends. */
export type Body<P extends keyof paths, M extends Method> = Op<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never

export type GameDetails = Ok<'/api/games/{idOrSlug}'>
export type ViewerState = NonNullable<GameDetails['viewer']>
export type SearchHit = Ok<'/api/games/search/{name}'>[number]
export type PopularGame = Ok<'/api/games/popular/'>[number]
export type GameSummary = Ok<'/api/users/{username}'>['favorites'][number]
export type Entry = Ok<'/api/games/{idOrSlug}/reviews'>['results'][number]
export type Comment = Ok<'/api/reviews/{id}/comments'>['results'][number]
export type FeedItem = Ok<'/api/feed/'>['results'][number]
export type Profile = Ok<'/api/users/{username}'>
export type CurrentUser = Ok<'/api/users/user/'>
export type AuthResult = Ok<'/api/users/login/', 'post'>
export type Stats = Ok<'/api/users/{username}/stats'>
export type ListSummary = Ok<'/api/users/{username}/lists'>['results'][number]
export type ListDetail = Ok<'/api/lists/{id}'>
export type FollowsItem = Ok<'/api/users/{username}/followers'>['results'][number]
export type UserBadge = FollowsItem['user']
export type PersonHit = Ok<'/api/users/search/{query}'>[number]
export type Suggestion = Ok<'/api/users/suggestions'>[number]
export type LibraryItem = Ok<'/api/users/{username}/games'>['results'][number]
export type JournalBody = Body<'/api/actions/journal/', 'post'>
export type ListBody = Body<'/api/lists/', 'post'>
export type ProfileUpdate = Body<'/api/users/profile/{username}', 'post'>
export type LibraryStatus = 'played' | 'liked' | 'backlog' | 'wishlist'
export type Playthrough = Ok<'/api/users/{username}/playthroughs'>['results'][number]
export type PlaythroughBody = Body<'/api/playthroughs/', 'post'>
export type PlaythroughChanges = Body<'/api/playthroughs/{id}', 'patch'>
export type SessionBody = Body<'/api/playthroughs/{id}/sessions', 'post'>
export type PlaythroughStatus = Playthrough['status']
export type Platform = NonNullable<PlaythroughBody['platform']>
export type Storefront = NonNullable<PlaythroughBody['storefront']>
export type Completion = NonNullable<PlaythroughBody['completion']>
export type YearReview = Ok<'/api/users/{username}/year/{year}'>
export type ImportItem = Ok<'/api/imports/'>['results'][number]
export type ImportDetail = Ok<'/api/imports/{id}'>
export type ImportRowItem = ImportDetail['rows'][number]
export type ImportSource = ImportItem['source']
export type ImportStatus = ImportItem['status']
export type ImportOutcome = ImportRowItem['outcome']
export type ImportSummary = ImportItem['summary']
