import { NotFoundState } from '../components/States'
import { useTitle } from '../lib/hooks'

export default function NotFound() {
  useTitle('Not found')
  return <NotFoundState />
}
