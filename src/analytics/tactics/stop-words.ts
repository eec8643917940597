/**
 * Function words left out of emerging terms: on their own they say nothing, and an n-gram made only of them is
 * noise. An n-gram is kept when at least one of its words is not in this list and it neither starts nor ends with one
 * ("the bluefinch" is dropped in favour of "bluefinch"; "bring the bluefinch" is kept).
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her here him his how i if in ' +
    'into is it its just me my no not now of on or our out she so than that the their them then there these they ' +
    'this those to too up us was we were what when where which who why will with would you your im ill ive dont ' +
    'cant wont u r ur ok yes yeah hi hey'
  ).split(' '),
);
