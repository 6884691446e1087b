/** The line icons of AppIcon.vue: SVG path data on a 16 x 16 grid, stroked with currentColor. */
export type IconName =
  | 'new' | 'open' | 'save' | 'save-as' | 'close' | 'run' | 'stop' | 'plus' | 'copy' | 'trash'
  | 'chevron-right' | 'chevron-down' | 'folder' | 'file' | 'project' | 'experiment' | 'run-tab'
  | 'compare' | 'warning' | 'up' | 'clock' | 'chip' | 'x-small' | 'edit' | 'sweep'

export const ICON_PATHS: Record<IconName, string> = {
  new: 'M4 1.5h5l3 3v10H4z M9 1.5v3h3 M8 7.5v5 M5.5 10h5',
  open: 'M1.5 3.5h4l1.5 1.5h6v2 M1.5 3.5v9.5h11l2-6h-11l-2 6',
  save: 'M2.5 2.5h9l2 2v9h-11z M5 2.5v3.5h5v-3.5 M4.5 13.5v-4h7v4',
  'save-as': 'M2.5 2.5h8l2 2v3 M2.5 2.5v11h5 M5 2.5v3h4.5v-3 M9.5 13.5l4.5-4.5-1.5-1.5-4.5 4.5v1.5z',
  close: 'M4 4l8 8 M12 4l-8 8',
  run: 'M4.5 2.5v11l9-5.5z',
  stop: 'M3.5 3.5h9v9h-9z',
  plus: 'M8 3v10 M3 8h10',
  copy: 'M5.5 5.5h8v8h-8z M10.5 5.5v-3h-8v8h3',
  trash: 'M2.5 4h11 M6 4v-1.5h4v1.5 M4 4l.8 9.5h6.4l.8-9.5 M6.5 6.5v5 M9.5 6.5v5',
  'chevron-right': 'M6 3.5l4.5 4.5-4.5 4.5',
  'chevron-down': 'M3.5 6l4.5 4.5 4.5-4.5',
  folder: 'M1.5 3.5h4.5l1.5 1.5h7v8h-13z',
  file: 'M4 1.5h5l3 3v10H4z M9 1.5v3h3',
  project: 'M1.5 3.5h4.5l1.5 1.5h7v8h-13z M4.5 8.5h7 M4.5 10.5h5',
  experiment: 'M6 1.5v5l-3.5 6.5a1 1 0 0 0 1 1.5h9a1 1 0 0 0 1-1.5l-3.5-6.5v-5 M5 1.5h6 M4.5 10h7',
  'run-tab': 'M1.5 13.5h13 M2.5 11l3-4 3 2 4.5-6.5',
  compare: 'M1.5 2.5h5.5v11h-5.5z M9 2.5h5.5v11h-5.5z',
  warning: 'M8 1.5l6.5 12h-13z M8 6v3.5 M8 11.5v.5',
  up: 'M8 13V3 M3.5 7.5L8 3l4.5 4.5',
  clock: 'M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13z M8 4.5V8l2.5 1.5',
  chip: 'M4.5 4.5h7v7h-7z M6.5 1.5v3 M9.5 1.5v3 M6.5 11.5v3 M9.5 11.5v3 M1.5 6.5h3 M1.5 9.5h3 M11.5 6.5h3 M11.5 9.5h3',
  'x-small': 'M5 5l6 6 M11 5l-6 6',
  // a grid of points over two axes (each point a tiny stroked square: a dot)
  sweep: 'M2 14.5V1.5 M2 14.5h12.5 M5.1 10.6h.8v.8h-.8z M8.6 10.6h.8v.8h-.8z M12.1 10.6h.8v.8h-.8z M5.1 7.1h.8v.8h-.8z M8.6 7.1h.8v.8h-.8z M12.1 7.1h.8v.8h-.8z M5.1 3.6h.8v.8h-.8z M8.6 3.6h.8v.8h-.8z M12.1 3.6h.8v.8h-.8z',
  edit: 'M10.5 2.5l3 3-8 8h-3v-3z M9 4l3 3',
}
