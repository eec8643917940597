import type { RulesDocument } from './format.js';
import { parseRuleFile } from './parse.js';

/**
 * Version 1 of the text rules, stored as written so line numbers in errors and reviews match this text. Neutral
 * indicators only; each alone is weak. Rules conditioned on an adult writing to a minor add weight on top of the
 * unconditioned rule for the same indicator, so the combined score rises exactly in that situation.
 */
export const DEFAULT_RULES_SOURCE = `# Haven default text rules. Edit and deploy with: haven rules deploy FILE --reason "..."
formatVersion: 1

lists:
  age_questions:
    - how old are you
    - how old r u
    - what age are you
    - what grade are you in
    - what year are you in at school
  secrecy_phrases:
    - our little secret
    - don't tell your parents
    - dont tell your parents
    - keep this between us
    - delete this chat
    - delete our messages
    - nobody has to know
    - don't tell anyone
    - dont tell anyone
  flattery_phrases:
    - you are so mature
    - you're so mature
    - mature for your age
    - you are different from the others
    - you're not like other kids
    - you are really special
    - not like the others
  isolation_phrases:
    - your parents don't understand you
    - your friends don't get you
    - only i understand you
    - i'm the only one who gets you
    - you don't need them
    - your parents dont understand you
    - your friends dont get you
  other_app_phrases:
    - add me on
    - talk on another app
    - message me on
    - text me on
    - move to another app
    - switch apps
  gift_phrases:
    - gift card
    - i'll buy you
    - ill buy you
    - i can send you money
    - i'll send you a gift
    - i'll pay for your
  photo_phrases:
    - send me a photo
    - send a pic
    - send me a pic
    - send me a picture
    - send a selfie
    - turn on your camera
  meeting_phrases:
    - meet up alone
    - meet in person
    - come meet me
    - where do you live
    - i can pick you up
    - what school do you go to
    - can we meet
  threat_phrases:
    - i will tell everyone
    - i'll tell everyone
    - i will send it to your friends
    - i'll send it to your friends
    - i'll show your parents
    - you'll regret it
    - i will send them to your school
    - your parents will see them
    - i have screenshots of everything
  payment_phrases:
    - pay me
    - send me money
    - you have to pay
    - send the gift card code

rules:
  - id: age-question
    description: Asks the other person's age or school year.
    category: CSE-13
    weight: 0.2
    indicator: age_probing
    match:
      any:
        - terms: age_questions
        - regex: "\\\\bare (you|u) (over|under) 1[0-9]\\\\b"
  - id: age-question-new-account-dm
    description: An account under 30 days old asks a minor's age in a direct message.
    category: CSE-13
    weight: 0.2
    indicator: age_probing
    match:
      terms: age_questions
    when:
      surfaces: [direct_message]
      authorAccountAgeDays: { max: 30 }
      recipientAgeBands: [under_13, 13_15, 16_17]

  - id: secrecy-request
    description: Asks to keep the contact secret or to delete the conversation.
    category: CSE-13
    weight: 0.45
    indicator: secrecy
    match:
      terms: secrecy_phrases
  - id: secrecy-request-adult-to-minor
    description: An adult asks a minor to keep the contact secret.
    category: CSE-13
    weight: 0.5
    indicator: secrecy
    match:
      terms: secrecy_phrases
    when:
      authorAgeBands: [adult]
      recipientAgeBands: [under_13, 13_15, 16_17]

  - id: flattery-adult-to-minor
    description: An adult flatters a minor as more mature or special than their peers.
    category: CSE-13
    weight: 0.2
    indicator: flattery
    match:
      terms: flattery_phrases
    when:
      authorAgeBands: [adult]
      recipientAgeBands: [under_13, 13_15, 16_17]

  - id: isolation
    description: Sets the other person against their parents or friends.
    category: CSE-13
    weight: 0.3
    indicator: isolation
    match:
      terms: isolation_phrases

  - id: platform-move
    description: Asks to continue on another app.
    category: CSE-13
    weight: 0.25
    indicator: platform_move
    match:
      any:
        - terms: other_app_phrases
        - near: { a: [talk, chat, message, text], b: [another app, other app, private app], within: 3 }
  - id: platform-move-adult-to-minor
    description: An adult asks a minor to continue on another app.
    category: CSE-13
    weight: 0.4
    indicator: platform_move
    match:
      any:
        - terms: other_app_phrases
        - near: { a: [talk, chat, message, text], b: [another app, other app, private app], within: 3 }
    when:
      authorAgeBands: [adult]
      recipientAgeBands: [under_13, 13_15, 16_17]

  - id: gift-offer
    description: Offers gifts, gift cards or money.
    category: CSE-13
    weight: 0.3
    indicator: gift_offer
    match:
      terms: gift_phrases
  - id: gift-offer-adult-to-minor
    description: An adult offers a minor gifts, gift cards or money.
    category: CSE-13
    weight: 0.35
    indicator: gift_offer
    match:
      terms: gift_phrases
    when:
      authorAgeBands: [adult]
      recipientAgeBands: [under_13, 13_15, 16_17]

  - id: photo-request
    description: Asks for a photo or for the camera to be turned on.
    category: CSE-05
    weight: 0.45
    indicator: photo_request
    match:
      terms: photo_phrases
  - id: photo-request-loose-dm
    description: In a direct message, "send" near "photo" in other words ("send one more pic").
    category: CSE-05
    weight: 0.25
    indicator: photo_request
    match:
      near: { a: [send], b: [photo, pic, picture, selfie], within: 3 }
    when:
      surfaces: [direct_message]
  - id: photo-request-early-adult-to-minor
    description: An adult asks a minor for a photo within the first ten messages of a conversation.
    category: CSE-05
    weight: 0.3
    indicator: photo_request
    match:
      terms: photo_phrases
    when:
      authorAgeBands: [adult]
      recipientAgeBands: [under_13, 13_15, 16_17]
      conversationMessageCount: { max: 10 }

  - id: meeting-request
    description: Asks to meet in person or for where the other person lives or studies.
    category: CSE-05
    weight: 0.55
    indicator: meeting_request
    match:
      terms: meeting_phrases

  - id: threat
    description: Threatens to expose or tell others.
    category: CSE-06
    weight: 0.5
    indicator: threat
    match:
      terms: threat_phrases
  - id: payment-demand
    description: Demands money or gift card codes.
    category: CSE-06
    weight: 0.4
    indicator: payment_demand
    match:
      terms: payment_phrases
  - id: threat-with-payment-demand
    description: A threat and a demand for payment in the same message.
    category: CSE-06
    weight: 0.6
    indicator: payment_demand
    match:
      all:
        - terms: threat_phrases
        - terms: payment_phrases
`;

/** The default rules as config kind 'rules' stores them. */
export function defaultRulesDocument(): RulesDocument {
  return { source: DEFAULT_RULES_SOURCE, format: 'yaml', rules: parseRuleFile(DEFAULT_RULES_SOURCE, 'yaml') };
}
