/**
 * The 14 Indicators of Integration (UK Home Office framework 2019, as used by OpenEmbassy)
 * with stable ids and 3–5 measurable outcomes each.
 *
 * Ids are part of the data contract: answers, exports and dashboards key on them, so an id
 * is never renamed or reused. Names and outcome texts live in `locales/<lng>/indicators.json`
 * under `<indicator>.name` and `<indicator>.outcomes.<outcome>`.
 * @module
 */

export const INDICATOR_GROUPS = ['markers_and_means', 'social_connections', 'facilitators', 'foundation'] as const;
export type IndicatorGroup = (typeof INDICATOR_GROUPS)[number];

export interface Indicator {
  readonly id: string;
  readonly group: IndicatorGroup;
  /** The Dutch name OpenEmbassy uses; kept here because researchers search for it. */
  readonly dutchName: string;
  /** Outcome ids, each unique across the catalogue as `<indicator>.<outcome>`. */
  readonly outcomes: readonly string[];
}

const catalogue = [
  {
    id: 'work',
    group: 'markers_and_means',
    dutchName: 'Werk en inkomen',
    outcomes: ['paid_work_matching_skills', 'treated_fairly_at_work', 'knows_where_to_find_work_help', 'enough_income'],
  },
  {
    id: 'housing',
    group: 'markers_and_means',
    dutchName: 'Huisvesting',
    outcomes: ['suitable_home', 'secure_tenure', 'feels_at_home_in_neighbourhood', 'knows_housing_rights'],
  },
  {
    id: 'education',
    group: 'markers_and_means',
    dutchName: 'Onderwijs',
    outcomes: ['access_to_education', 'qualifications_recognised', 'children_supported_at_school'],
  },
  {
    id: 'health',
    group: 'markers_and_means',
    dutchName: 'Zorg en welzijn',
    outcomes: ['access_to_care', 'understood_by_care_providers', 'mental_wellbeing', 'knows_health_system'],
  },
  {
    id: 'leisure',
    group: 'markers_and_means',
    dutchName: 'Vrije tijd',
    outcomes: ['takes_part_in_activities', 'time_and_means_for_leisure', 'feels_welcome_at_activities'],
  },
  { id: 'bonds', group: 'social_connections', dutchName: 'Banden', outcomes: ['contact_with_own_community', 'support_from_family_and_friends', 'not_lonely'] },
  {
    id: 'bridges',
    group: 'social_connections',
    dutchName: 'Bruggen',
    outcomes: ['contact_with_other_groups', 'feels_accepted_by_neighbours', 'has_friends_outside_own_group'],
  },
  {
    id: 'links',
    group: 'social_connections',
    dutchName: 'Connecties',
    outcomes: ['knows_where_to_go_with_questions', 'trusts_institutions', 'treated_with_respect_by_services', 'has_a_say'],
  },
  {
    id: 'language',
    group: 'facilitators',
    dutchName: 'Taal en communicatie',
    outcomes: ['speaks_dutch_for_daily_life', 'access_to_language_course', 'services_in_own_language'],
  },
  { id: 'culture', group: 'facilitators', dutchName: 'Cultuur', outcomes: ['understands_local_customs', 'own_culture_respected', 'can_practise_own_culture'] },
  {
    id: 'digital',
    group: 'facilitators',
    dutchName: 'Digitale vaardigheden',
    outcomes: ['has_device_and_internet', 'can_use_government_websites', 'knows_where_to_get_digital_help'],
  },
  {
    id: 'safety',
    group: 'facilitators',
    dutchName: 'Veiligheid',
    outcomes: ['feels_safe_in_neighbourhood', 'free_from_discrimination', 'knows_how_to_report_incidents'],
  },
  { id: 'stability', group: 'facilitators', dutchName: 'Stabiliteit', outcomes: ['secure_residence_status', 'can_plan_the_future', 'stable_place_to_live'] },
  {
    id: 'rights',
    group: 'foundation',
    dutchName: 'Rechten en verantwoordelijkheden',
    outcomes: ['knows_own_rights', 'knows_own_obligations', 'rights_respected', 'access_to_legal_help'],
  },
] as const satisfies readonly Indicator[];

export type IndicatorId = (typeof catalogue)[number]['id'];
export const INDICATORS: readonly Indicator[] = catalogue;
export const INDICATOR_IDS: readonly string[] = catalogue.map((i) => i.id);

const byId = new Map<string, Indicator>(catalogue.map((i) => [i.id, i]));

/** The indicator with this id, or undefined. */
export function findIndicator(id: string): Indicator | undefined {
  return byId.get(id);
}
