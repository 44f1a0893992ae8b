// Unicode emoji for the reaction picker, by group, each with its name (for
// search and screen readers), and the helpers that turn a reaction into
// what is shown: a custom emoji's image or the emoji itself.

/** Misskey's default reaction palette, first in the picker. */
export const FAVOURITES = ["👍", "❤", "😆", "🤔", "😮", "🎉", "💢", "😥", "😇", "🍮"];

const G = (name, list) => ({
  name,
  emoji: list.split(" ").map((pair) => {
    const [e, ...words] = pair.split("_");
    return { char: e, name: words.join(" ") };
  }),
});

/** Groups of [emoji_name with underscores] pairs. */
export const GROUPS = [
  G("Smileys",
    "😀_grinning_face 😃_smiling_face_with_big_eyes 😄_grinning_face_with_smiling_eyes 😁_beaming_face 😆_laughing 😅_sweat_smile " +
    "🤣_rolling_on_the_floor_laughing 😂_tears_of_joy 🙂_slightly_smiling 😉_winking 😊_smiling_eyes 😇_halo 🥰_hearts_face " +
    "😍_heart_eyes 🤩_star_struck 😘_blowing_a_kiss 😋_yum 😛_tongue 😜_winking_tongue 🤪_zany 🤗_hugging 🤭_hand_over_mouth " +
    "🤫_shushing 🤔_thinking 🤐_zipper_mouth 😐_neutral 😑_expressionless 😶_no_mouth 😏_smirking 😒_unamused 🙄_rolling_eyes " +
    "😬_grimacing 😌_relieved 😔_pensive 😪_sleepy 😴_sleeping 😷_mask 🤒_thermometer 🤯_exploding_head 🥳_partying 😎_sunglasses " +
    "🤓_nerd 🧐_monocle 😕_confused 😟_worried 😮_open_mouth 😲_astonished 😳_flushed 🥺_pleading 😢_crying 😭_loudly_crying " +
    "😱_screaming 😖_confounded 😥_sad_but_relieved 😤_triumph 😡_pouting 😠_angry 🤬_cursing 💢_anger 💀_skull 💩_pile_of_poo " +
    "🤡_clown 👻_ghost 👽_alien 🤖_robot 😺_grinning_cat 😹_cat_with_tears_of_joy 😻_heart_eyes_cat"),
  G("People",
    "👍_thumbs_up 👎_thumbs_down 👏_clapping 🙌_raising_hands 👐_open_hands 🤝_handshake 🙏_folded_hands ✌_victory_hand " +
    "🤞_crossed_fingers 🤟_love_you_gesture 🤘_horns 👌_ok_hand 🤌_pinched_fingers 👈_pointing_left 👉_pointing_right " +
    "👆_pointing_up 👇_pointing_down ☝_index_pointing_up ✋_raised_hand 🖐_hand_with_fingers_splayed 🖖_vulcan_salute " +
    "👋_waving_hand 🤙_call_me 💪_flexed_biceps 🫶_heart_hands 👀_eyes 🧠_brain 🫡_saluting 🙇_bowing 🤷_shrugging " +
    "🙋_raising_hand 🙆_ok_gesture 🙅_no_gesture 💁_tipping_hand"),
  G("Hearts and symbols",
    "❤_red_heart 🧡_orange_heart 💛_yellow_heart 💚_green_heart 💙_blue_heart 💜_purple_heart 🖤_black_heart 🤍_white_heart " +
    "🤎_brown_heart 💔_broken_heart ❣_heart_exclamation 💕_two_hearts 💞_revolving_hearts 💓_beating_heart 💗_growing_heart " +
    "💖_sparkling_heart 💘_heart_with_arrow 💯_hundred_points ✨_sparkles ⭐_star 🌟_glowing_star 💫_dizzy 🔥_fire 💥_collision " +
    "💤_zzz 💬_speech_balloon 💭_thought_balloon ✅_check_mark ❌_cross_mark ❓_question ❗_exclamation ⚠_warning 🆗_ok_button " +
    "🆒_cool_button 🆕_new_button"),
  G("Animals and nature",
    "🐱_cat_face 🐶_dog_face 🐭_mouse_face 🐹_hamster 🐰_rabbit_face 🦊_fox 🐻_bear 🐼_panda 🐨_koala 🐯_tiger_face " +
    "🦁_lion 🐮_cow_face 🐷_pig_face 🐸_frog 🐵_monkey_face 🐔_chicken 🐧_penguin 🐦_bird 🦆_duck 🦉_owl 🐢_turtle " +
    "🐍_snake 🐙_octopus 🐬_dolphin 🐳_whale 🦀_crab 🐝_honeybee 🦋_butterfly 🐌_snail 🌸_cherry_blossom 🌹_rose " +
    "🌻_sunflower 🌷_tulip 🌱_seedling 🌿_herb 🍀_four_leaf_clover 🍁_maple_leaf 🍄_mushroom 🌵_cactus 🌲_evergreen " +
    "🌈_rainbow ☀_sun 🌙_crescent_moon ☁_cloud ⛄_snowman ❄_snowflake 🌊_water_wave"),
  G("Food and drink",
    "🍮_custard 🍎_red_apple 🍊_tangerine 🍋_lemon 🍌_banana 🍉_watermelon 🍇_grapes 🍓_strawberry 🍑_peach 🍒_cherries " +
    "🥑_avocado 🍆_eggplant 🥕_carrot 🌽_corn 🌶_hot_pepper 🍞_bread 🧀_cheese 🍳_cooking 🍔_hamburger 🍟_fries 🍕_pizza " +
    "🌮_taco 🍣_sushi 🍙_rice_ball 🍜_steaming_bowl 🍝_spaghetti 🍛_curry_rice 🍱_bento 🍩_doughnut 🍪_cookie 🎂_birthday_cake " +
    "🍰_shortcake 🍫_chocolate 🍬_candy 🍦_ice_cream ☕_hot_beverage 🍵_tea 🍺_beer 🍷_wine 🥂_clinking_glasses 🧋_bubble_tea"),
  G("Activities and objects",
    "🎉_party_popper 🎊_confetti_ball 🎈_balloon 🎁_gift 🎀_ribbon 🏆_trophy 🥇_gold_medal ⚽_soccer 🏀_basketball 🎮_video_game " +
    "🎲_die 🎯_bullseye 🎵_musical_note 🎶_musical_notes 🎤_microphone 🎧_headphone 🎨_palette 📷_camera 📚_books 📝_memo " +
    "✏_pencil 📌_pushpin 📎_paperclip 🔍_magnifying_glass 💡_light_bulb 🔔_bell 🔑_key 🔒_locked 💻_laptop 📱_mobile_phone " +
    "⌛_hourglass ⏰_alarm_clock 🚀_rocket ✈_airplane 🚗_car 🚲_bicycle 🏠_house 🗻_mount_fuji 🎃_jack_o_lantern 🎄_christmas_tree"),
];

/** Every unicode emoji the picker offers, with its name. */
export const ALL = GROUPS.flatMap((g) => g.emoji);

/** The name of a unicode emoji ("thumbs up"), or the emoji itself. */
export function emojiName(char) {
  const bare = String(char).replace(/\uFE0F/g, "");
  const hit = ALL.find((e) => e.char.replace(/\uFE0F/g, "") === bare);
  return hit ? hit.name : char;
}

/**
 * parseReaction(":blobcat@.:") → { custom: true, name: "blobcat", host: null, key: "blobcat" };
 * a remote one (":x@host:") has its host and key "x@host"; a unicode one
 * is { custom: false, char }.
 */
export function parseReaction(r) {
  const m = /^:([\w+-]+)(?:@([\w.:-]+))?:$/.exec(r);
  if (!m) return { custom: false, char: r };
  const host = m[2] && m[2] !== "." ? m[2] : null;
  return { custom: true, name: m[1], host, key: host ? `${m[1]}@${host}` : m[1] };
}

/**
 * The image URL of a custom emoji reaction on note: a local one from the
 * instance's emoji (instanceEmojis, a Map name → url), a remote one from
 * the note's reactionEmojis; null when unknown.
 */
export function reactionImage(r, note, instanceEmojis) {
  const p = parseReaction(r);
  if (!p.custom) return null;
  if (!p.host) return instanceEmojis.get(p.name) || null;
  const remote = note && note.reactionEmojis;
  return (remote && typeof remote[p.key] === "string" && remote[p.key]) || null;
}
